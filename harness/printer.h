/* Writing tree nodes back as script text, exactly as a script writes
 * them: script_print (frontend.h) for a whole script; these for the run
 * loop's error messages. */
#ifndef VWIRE_PRINTER_H
#define VWIRE_PRINTER_H

#include <stdio.h>

#include "ast.h"

/* "< S. 0:0(0) ack 1 win 257 <mss 1460,nop>" — with its direction. */
void print_packet(FILE *out, const struct packet *p);
/* The same without the direction: "S. 0:0(0) ack 1 win 257 <...>". */
void print_packet_body(FILE *out, const struct packet *p);
/* "connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)" */
void print_syscall(FILE *out, const struct syscall *sc);
void print_expr(FILE *out, const struct expr *e);
/* "+0.100000", "0.100000~0.200000", "*" */
void print_time(FILE *out, const struct event_time *t);
/* A whole event line, time first (without a trailing newline). */
void print_event(FILE *out, const struct event *ev);

#endif
