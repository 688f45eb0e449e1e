/* pcap output through libpcap: a dead handle with DLT_RAW and a dumper. */
#include "pcap_writer.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pcap_writer {
	pcap_t *handle;
	pcap_dumper_t *dumper;
};

struct pcap_writer *pcap_writer_open(const char *path, char *err, size_t errlen)
{
	struct pcap_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "pcap %s: out of memory", path);
		return NULL;
	}
	w->handle = pcap_open_dead(DLT_RAW, 65535);
	if (!w->handle) {
		snprintf(err, errlen, "pcap %s: pcap_open_dead failed", path);
		free(w);
		return NULL;
	}
	w->dumper = pcap_dump_open(w->handle, path);
	if (!w->dumper) {
		snprintf(err, errlen, "pcap %s: %s", path, pcap_geterr(w->handle));
		pcap_close(w->handle);
		free(w);
		return NULL;
	}
	return w;
}

int pcap_writer_write(struct pcap_writer *w, int64_t usecs,
		      const uint8_t *bytes, size_t len)
{
	struct pcap_pkthdr h;

	if (!w || (!bytes && len))
		return -1;
	if (usecs < 0)
		usecs = 0;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(usecs / 1000000);
	h.ts.tv_usec = (suseconds_t)(usecs % 1000000);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->dumper, &h, bytes);
	return 0;
}

int pcap_writer_close(struct pcap_writer *w)
{
	int rc = 0;

	if (!w)
		return 0;
	if (pcap_dump_flush(w->dumper) != 0)
		rc = -1;
	pcap_dump_close(w->dumper);
	pcap_close(w->handle);
	free(w);
	return rc;
}
