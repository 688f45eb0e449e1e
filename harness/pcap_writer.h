/* pcap files of a run (libpcap, DLT_RAW: packets start at the IP header). */
#ifndef VWIRE_PCAP_WRITER_H
#define VWIRE_PCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct pcap_writer;

/* Returns NULL with err set on failure. */
struct pcap_writer *pcap_writer_open(const char *path, char *err, size_t errlen);
/* usecs: the packet's time on the target clock. Returns 0 or -1. */
int pcap_writer_write(struct pcap_writer *w, int64_t usecs,
		      const uint8_t *bytes, size_t len);
/* Flushes and closes; NULL is fine. Returns 0 or -1 (write error). */
int pcap_writer_close(struct pcap_writer *w);

#endif
