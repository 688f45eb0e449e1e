/* %{ python }%: a TCP_INFO snapshot at the event, and at the end of the
 * script each block run by /usr/bin/python3 with the snapshot's tcpi_*
 * fields bound as variables. */
#include "run_loop.h"
#include "code_batch.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PYTHON CODE_BATCH_PYTHON
#define CODE_TIME_LIMIT_SECS 10

int code_snapshot(struct run_state *rs, const struct event *ev)
{
	struct code_block *n = realloc(rs->codes, (rs->code_count + 1) * sizeof(*n));
	if (!n)
		return -1;
	rs->codes = n;
	struct code_block *b = &rs->codes[rs->code_count++];
	memset(b, 0, sizeof(*b));
	b->ev = ev;
	struct target *t = rs->target;
	if (rs->socket_under_test >= 0 && t->ifc.getsockopt) {
		socklen_t len = sizeof(struct tcp_info);
		if (t->ifc.getsockopt(t->ifc.userdata, rs->socket_under_test, IPPROTO_TCP,
				      TCP_INFO, b->info, &len) == 0)
			b->info_len = len;
	}
	return 0;
}

#define U8(f) { #f, offsetof(struct tcp_info, f), 1 }
#define U32(f) { #f, offsetof(struct tcp_info, f), 4 }
#define U64(f) { #f, offsetof(struct tcp_info, f), 8 }
static const struct { const char *name; size_t off, size; } info_fields[] = {
	U8(tcpi_state), U8(tcpi_ca_state), U8(tcpi_retransmits), U8(tcpi_probes),
	U8(tcpi_backoff), U8(tcpi_options),
	U32(tcpi_rto), U32(tcpi_ato), U32(tcpi_snd_mss), U32(tcpi_rcv_mss),
	U32(tcpi_unacked), U32(tcpi_sacked), U32(tcpi_lost), U32(tcpi_retrans),
	U32(tcpi_fackets), U32(tcpi_last_data_sent), U32(tcpi_last_ack_sent),
	U32(tcpi_last_data_recv), U32(tcpi_last_ack_recv), U32(tcpi_pmtu),
	U32(tcpi_rcv_ssthresh), U32(tcpi_rtt), U32(tcpi_rttvar), U32(tcpi_snd_ssthresh),
	U32(tcpi_snd_cwnd), U32(tcpi_advmss), U32(tcpi_reordering), U32(tcpi_rcv_rtt),
	U32(tcpi_rcv_space), U32(tcpi_total_retrans), U64(tcpi_pacing_rate),
	U64(tcpi_max_pacing_rate), U64(tcpi_bytes_acked), U64(tcpi_bytes_received),
	U32(tcpi_segs_out), U32(tcpi_segs_in), U32(tcpi_notsent_bytes), U32(tcpi_min_rtt),
	U32(tcpi_data_segs_in), U32(tcpi_data_segs_out), U64(tcpi_delivery_rate),
	U64(tcpi_busy_time), U64(tcpi_rwnd_limited), U64(tcpi_sndbuf_limited),
	U32(tcpi_delivered), U32(tcpi_delivered_ce), U64(tcpi_bytes_sent),
	U64(tcpi_bytes_retrans), U32(tcpi_dsack_dups), U32(tcpi_reord_seen),
};

static const char *const prelude =
	"TCP_ESTABLISHED = 1\nTCP_SYN_SENT = 2\nTCP_SYN_RECV = 3\nTCP_FIN_WAIT1 = 4\n"
	"TCP_FIN_WAIT2 = 5\nTCP_TIME_WAIT = 6\nTCP_CLOSE = 7\nTCP_CLOSE_WAIT = 8\n"
	"TCP_LAST_ACK = 9\nTCP_LISTEN = 10\nTCP_CLOSING = 11\n"
	"TCP_CA_Open = 0\nTCP_CA_Disorder = 1\nTCP_CA_CWR = 2\nTCP_CA_Recovery = 3\n"
	"TCP_CA_Loss = 4\nTCP_INFINITE_SSTHRESH = 0x7fffffff\n"
	/* tcpi_options bits (<linux/tcp.h>) */
	"TCPI_OPT_TIMESTAMPS = 1\nTCPI_OPT_SACK = 2\nTCPI_OPT_WSCALE = 4\nTCPI_OPT_ECN = 8\n"
	"TCPI_OPT_ECN_SEEN = 16\nTCPI_OPT_SYN_DATA = 32\nTCPI_OPT_USEC_TS = 64\n";

/* The program: constants, the snapshot's fields, then the block (whose
 * first line gets a known number so errors map back to the script). */
static char *program_text(const struct code_block *b, int *code_first_line)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fputs(prelude, f);
	int lines = 0; /* the prelude's, counted so that adding a constant keeps errors mapped */
	for (const char *c = prelude; *c; c++)
		lines += *c == '\n';
	if (b->info_len) {
		for (size_t i = 0; i < sizeof(info_fields) / sizeof(info_fields[0]); i++) {
			if (info_fields[i].off + info_fields[i].size > b->info_len)
				continue;
			unsigned long long v = 0;
			const unsigned char *p = b->info + info_fields[i].off;
			if (info_fields[i].size == 1)
				v = *p;
			else if (info_fields[i].size == 4) {
				uint32_t x;
				memcpy(&x, p, 4);
				v = x;
			} else {
				uint64_t x;
				memcpy(&x, p, 8);
				v = x;
			}
			fprintf(f, "%s = %llu\n", info_fields[i].name, v);
			lines++;
		}
		/* The two 4-bit fields share a byte. */
		unsigned char ws = b->info[offsetof(struct tcp_info, tcpi_options) + 1];
		fprintf(f, "tcpi_snd_wscale = %u\ntcpi_rcv_wscale = %u\n", ws & 0xf, ws >> 4);
		lines += 2;
	}
	*code_first_line = lines + 1;
	/* Scripts indent their blocks; Python wants the first level at 0. */
	const char *code = b->ev->u.code;
	size_t indent = (size_t)-1;
	for (const char *l = code; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		size_t w = strspn(l, " \t");
		if (l[w] && l[w] != '\n' && l[w] != '#' && w < indent)
			indent = w;
	}
	if (indent == (size_t)-1)
		indent = 0;
	for (const char *l = code; *l;) {
		const char *eol = strchr(l, '\n');
		size_t n = eol ? (size_t)(eol - l) : strlen(l);
		size_t w = strspn(l, " \t");
		size_t skip = w < indent ? w : indent;
		if (skip > n)
			skip = n;
		fwrite(l + skip, 1, n - skip, f);
		fputc('\n', f);
		l += n + (eol ? 1 : 0);
	}
	/* A block's last line may end in a backslash continuation. */
	fputc('\n', f);
	fclose(f);
	return text;
}

int code_run_all(struct run_state *rs)
{
	if (rs->code_count == 0)
		return 0;
	/* All blocks in one python (speed: see code_batch.h). */
	char **texts = calloc(rs->code_count, sizeof(*texts));
	int *firsts = calloc(rs->code_count, sizeof(*firsts));
	bool ok = texts && firsts;
	for (size_t i = 0; ok && i < rs->code_count; i++)
		ok = (texts[i] = program_text(&rs->codes[i], &firsts[i])) != NULL;
	char err[4096];
	size_t failed = 0;
	int rc = ok ? code_batch_run(PYTHON, texts, rs->code_count, CODE_TIME_LIMIT_SECS,
				     &failed, err, sizeof(err)) : -1;
	for (size_t i = 0; texts && i < rs->code_count; i++)
		free(texts[i]);
	free(texts);
	int first = firsts && failed < rs->code_count ? firsts[failed] : 0;
	free(firsts);
	if (!ok)
		return -1;
	if (rc != 0) {
		const struct code_block *b = &rs->codes[failed < rs->code_count ? failed : 0];
		if (rc < 0)
			snprintf(err, sizeof(err), "cannot run %s", PYTHON);
		/* Python's last line says what failed; its line number maps
		 * back to the script. */
		size_t n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
		const char *last = strrchr(err, '\n');
		last = last ? last + 1 : err;
		int line = b->ev->pos.line;
		const char *ln = strstr(err, "line ");
		if (ln) {
			int pl = atoi(ln + 5);
			if (pl >= first)
				line += pl - first;
		}
		struct event ev = *b->ev;
		ev.pos.line = line;
		if (rc == 128 + SIGALRM)
			rl_fail_plain(rs, &ev, FAIL_CODE, "error in Python code: time limit of %d s exceeded",
				      CODE_TIME_LIMIT_SECS);
		else
			rl_fail_plain(rs, &ev, FAIL_CODE, "error in Python code: %s", *last ? last : "python failed");
		return -1;
	}
	return 0;
}
