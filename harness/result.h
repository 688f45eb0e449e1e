/* A script run's verdict and failure record, and the per-event log that
 * goes into --json. */
#ifndef VWIRE_RESULT_H
#define VWIRE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum verdict { VERDICT_PASS, VERDICT_FAIL, VERDICT_ERROR };

enum failure_kind {
	FAIL_TIMING, FAIL_FIELD, FAIL_PAYLOAD, FAIL_MISSING, FAIL_UNEXPECTED,
	FAIL_SYSCALL, FAIL_ERRNO, FAIL_OUTPARAM, FAIL_COMMAND, FAIL_CODE,
	FAIL_PARSE, FAIL_TARGET, FAIL_LIMIT,
};

const char *failure_kind_name(enum failure_kind k);

struct failure {
	bool set;
	int line, column;
	enum failure_kind kind;
	char message[1024];
	char field[48];            /* "" when none */
	char *expected, *actual;   /* NULL when none */
	char *error_text;          /* the full stderr text */
};

enum event_status { EVST_OK, EVST_FAILED, EVST_NOT_REACHED };

struct event_record {
	int line;
	const char *type;          /* packet | syscall | command | code | state */
	const char *direction;     /* packets only, else NULL */
	char *script_text, *actual_text;
	bool has_fields;
	char flags[16];
	long long seq, end_seq, len, ack, win; /* ack -1: none */
	char *options;
	bool has_expected;
	long long expected_usecs, actual_usecs; /* actual -1: none */
	enum event_status status;
};

struct state_record {
	long long usecs;
	char conn[128];
	char from[16], to[16];
};

struct result {
	enum verdict verdict;
	int exit_code;
	struct failure failure;
	struct event_record *events;
	size_t event_count, event_cap;
	struct state_record *states;
	size_t state_count, state_cap;
	long long virtual_usecs, wall_usecs;
};

void result_init(struct result *r);
void result_free(struct result *r);
/* A new event record (zeroed, status not_reached); NULL on no memory. */
struct event_record *result_add_event(struct result *r, int line, const char *type);
int result_add_state(struct result *r, const struct state_record *s);
/* Record the first failure; later ones are ignored. message is printf. */
void result_fail(struct result *r, enum failure_kind kind, int line,
		 int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void result_set_texts(struct result *r, const char *field,
		      const char *expected, const char *actual,
		      const char *error_text);

/* Write r as reports/RESULT-FORMAT.md says. Returns 0 or -1. */
int json_result_write(const struct result *r, const char *path,
		      const char *script, const char *target,
		      const char *ip_version, const char *pcap);

#endif
