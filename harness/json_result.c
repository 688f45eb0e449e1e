/* --json=FILE: one script's result, as reports/RESULT-FORMAT.md says. */
#include "result.h"

#include <jansson.h>

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *event_json(const struct event_record *e)
{
	static const char *const status[] = { "ok", "failed", "not_reached" };
	json_t *o = json_object();
	json_object_set_new(o, "line", json_integer(e->line));
	json_object_set_new(o, "type", json_string(e->type));
	json_object_set_new(o, "direction", str_or_null(e->direction));
	json_object_set_new(o, "script_text", str_or_null(e->script_text));
	json_object_set_new(o, "actual_text", str_or_null(e->actual_text));
	if (e->has_fields) {
		json_t *f = json_object();
		json_object_set_new(f, "flags", json_string(e->flags));
		json_object_set_new(f, "seq", json_integer(e->seq));
		json_object_set_new(f, "end_seq", json_integer(e->end_seq));
		json_object_set_new(f, "len", json_integer(e->len));
		json_object_set_new(f, "ack", e->ack < 0 ? json_null() : json_integer(e->ack));
		json_object_set_new(f, "win", json_integer(e->win));
		json_object_set_new(f, "options", str_or_null(e->options));
		json_object_set_new(o, "fields", f);
	} else {
		json_object_set_new(o, "fields", json_null());
	}
	json_object_set_new(o, "expected_usecs",
			    e->has_expected ? json_integer(e->expected_usecs) : json_null());
	json_object_set_new(o, "actual_usecs",
			    e->actual_usecs < 0 ? json_null() : json_integer(e->actual_usecs));
	json_object_set_new(o, "status", json_string(status[e->status]));
	return o;
}

int json_result_write(const struct result *r, const char *path,
		      const char *script, const char *target,
		      const char *ip_version, const char *pcap)
{
	static const char *const verdicts[] = { "pass", "fail", "error" };
	json_t *o = json_object();
	json_object_set_new(o, "format", json_string("vwire-result/1"));
	json_object_set_new(o, "script", json_string(script));
	json_object_set_new(o, "target", json_string(target));
	json_object_set_new(o, "ip_version", json_string(ip_version));
	json_object_set_new(o, "verdict", json_string(verdicts[r->verdict]));
	json_object_set_new(o, "exit_code", json_integer(r->exit_code));
	if (r->failure.set) {
		const struct failure *f = &r->failure;
		json_t *fo = json_object();
		json_object_set_new(fo, "line", json_integer(f->line));
		json_object_set_new(fo, "column", json_integer(f->column));
		json_object_set_new(fo, "kind", json_string(failure_kind_name(f->kind)));
		json_object_set_new(fo, "message", json_string(f->message));
		json_object_set_new(fo, "field", f->field[0] ? json_string(f->field) : json_null());
		json_object_set_new(fo, "expected", str_or_null(f->expected));
		json_object_set_new(fo, "actual", str_or_null(f->actual));
		json_object_set_new(o, "failure", fo);
		json_object_set_new(o, "error_text", str_or_null(f->error_text));
	} else {
		json_object_set_new(o, "failure", json_null());
		json_object_set_new(o, "error_text", json_null());
	}
	json_t *evs = json_array();
	for (size_t i = 0; i < r->event_count; i++)
		json_array_append_new(evs, event_json(&r->events[i]));
	json_object_set_new(o, "events", evs);
	json_t *sts = json_array();
	for (size_t i = 0; i < r->state_count; i++) {
		json_t *s = json_object();
		json_object_set_new(s, "usecs", json_integer(r->states[i].usecs));
		json_object_set_new(s, "conn", json_string(r->states[i].conn));
		json_object_set_new(s, "from", json_string(r->states[i].from));
		json_object_set_new(s, "to", json_string(r->states[i].to));
		json_array_append_new(sts, s);
	}
	json_object_set_new(o, "states", sts);
	json_object_set_new(o, "pcap", str_or_null(pcap));
	json_object_set_new(o, "virtual_usecs", json_integer(r->virtual_usecs));
	json_object_set_new(o, "wall_usecs", json_integer(r->wall_usecs));
	int rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return rc ? -1 : 0;
}
