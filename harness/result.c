/* The verdict and the per-event log of one run. */
#include "result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[FAIL_TIMING] = "timing", [FAIL_FIELD] = "field", [FAIL_PAYLOAD] = "payload",
	[FAIL_MISSING] = "missing", [FAIL_UNEXPECTED] = "unexpected",
	[FAIL_SYSCALL] = "syscall", [FAIL_ERRNO] = "errno", [FAIL_OUTPARAM] = "outparam",
	[FAIL_COMMAND] = "command", [FAIL_CODE] = "code", [FAIL_PARSE] = "parse",
	[FAIL_TARGET] = "target", [FAIL_LIMIT] = "limit",
};

const char *failure_kind_name(enum failure_kind k)
{
	return kind_names[k];
}

void result_init(struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->verdict = VERDICT_PASS;
}

void result_free(struct result *r)
{
	for (size_t i = 0; i < r->event_count; i++) {
		free(r->events[i].script_text);
		free(r->events[i].actual_text);
		free(r->events[i].options);
	}
	free(r->events);
	free(r->states);
	free(r->failure.expected);
	free(r->failure.actual);
	free(r->failure.error_text);
	memset(r, 0, sizeof(*r));
}

struct event_record *result_add_event(struct result *r, int line, const char *type)
{
	if (r->event_count == r->event_cap) {
		size_t cap = r->event_cap ? r->event_cap * 2 : 32;
		struct event_record *n = realloc(r->events, cap * sizeof(*n));
		if (!n)
			return NULL;
		r->events = n;
		r->event_cap = cap;
	}
	struct event_record *e = &r->events[r->event_count++];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->type = type;
	e->ack = -1;
	e->actual_usecs = -1;
	e->status = EVST_NOT_REACHED;
	return e;
}

int result_add_state(struct result *r, const struct state_record *s)
{
	if (r->state_count == r->state_cap) {
		size_t cap = r->state_cap ? r->state_cap * 2 : 16;
		struct state_record *n = realloc(r->states, cap * sizeof(*n));
		if (!n)
			return -1;
		r->states = n;
		r->state_cap = cap;
	}
	r->states[r->state_count++] = *s;
	return 0;
}

void result_fail(struct result *r, enum failure_kind kind, int line,
		 int column, const char *fmt, ...)
{
	if (r->failure.set)
		return;
	r->failure.set = true;
	r->failure.kind = kind;
	r->failure.line = line;
	r->failure.column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->failure.message, sizeof(r->failure.message), fmt, ap);
	va_end(ap);
	r->verdict = (kind == FAIL_PARSE) ? VERDICT_ERROR : VERDICT_FAIL;
	r->exit_code = (kind == FAIL_PARSE) ? 2 : 1;
}

static void replace(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? strdup(src) : NULL;
}

void result_set_texts(struct result *r, const char *field,
		      const char *expected, const char *actual,
		      const char *error_text)
{
	snprintf(r->failure.field, sizeof(r->failure.field), "%s", field ? field : "");
	replace(&r->failure.expected, expected);
	replace(&r->failure.actual, actual);
	replace(&r->failure.error_text, error_text);
}
