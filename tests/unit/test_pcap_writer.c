/* pcap_writer: a file written and read back with libpcap (and by tshark
 * when it is installed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packet.h"
#include "packet_test_util.h"
#include "pcap_writer.h"

static void tmp_path(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/vwire-pcap-test-%ld.pcap", (long)getpid());
}

static size_t build_syn(uint8_t *b, size_t cap)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_SYN, 0, 0);
	char err[PACKET_ERR_LEN];
	size_t len = 0;

	tp_ctx(&ctx, VWIRE_IPV4);
	tp_opt(p, OPT_MSS)->u.mss = 1460;
	assert_int_equal(packet_build(p, &ctx, NULL, b, cap, &len, err, sizeof(err)), 0);
	tp_free(p);
	return len;
}

static void test_write_read_back(void **state)
{
	char path[64], err[PCAP_ERRBUF_SIZE];
	uint8_t b[128];
	size_t len = build_syn(b, sizeof(b));
	struct pcap_writer *w;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *r;

	tmp_path(path, sizeof(path));
	w = pcap_writer_open(path, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pcap_writer_write(w, 100000, b, len), 0);
	assert_int_equal(pcap_writer_write(w, 2500123, b, len), 0);
	assert_int_equal(pcap_writer_close(w), 0);

	r = pcap_open_offline(path, err);
	assert_non_null(r);
	assert_int_equal(pcap_datalink(r), DLT_RAW);
	assert_int_equal(pcap_next_ex(r, &h, &data), 1);
	assert_int_equal(h->ts.tv_sec, 0);
	assert_int_equal(h->ts.tv_usec, 100000);
	assert_int_equal(h->caplen, len);
	assert_memory_equal(data, b, len);
	assert_int_equal(pcap_next_ex(r, &h, &data), 1);
	assert_int_equal(h->ts.tv_sec, 2);
	assert_int_equal(h->ts.tv_usec, 500123);
	assert_int_equal(pcap_next_ex(r, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(r);

	/* tshark decodes it as TCP from port 40000 to 8080, if installed. */
	if (system("command -v tshark >/dev/null 2>&1") == 0) {
		char cmd[256], line[128] = "";
		FILE *f;

		snprintf(cmd, sizeof(cmd),
			 "timeout 60 tshark -r %s -T fields -e tcp.srcport -e tcp.dstport -e tcp.options.mss_val 2>/dev/null",
			 path);
		f = popen(cmd, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		pclose(f);
		assert_string_equal(line, "40000\t8080\t1460\n");
	}
	unlink(path);
}

static void test_open_error(void **state)
{
	char err[256] = "";

	assert_null(pcap_writer_open("/nonexistent-dir/x.pcap", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcap"));
	assert_int_equal(pcap_writer_close(NULL), 0);
	assert_int_equal(pcap_writer_write(NULL, 0, NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read_back),
		cmocka_unit_test(test_open_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
