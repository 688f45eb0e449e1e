/* Constructors for the syntax tree, used by the grammar (parser.y) and by
 * tests. Every constructor aborts on out-of-memory; ownership of string
 * arguments passes to the new node. */
#ifndef VWIRE_AST_BUILD_H
#define VWIRE_AST_BUILD_H

#include "ast.h"

/* Deeper expressions are rejected so recursion over a tree stays bounded. */
#define EXPR_MAX_DEPTH 200

char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t size);

struct script *script_new(const char *path);
/* "name" or "name=value" (text owned by the script afterwards). */
bool script_add_option(struct script *s, char *text);
struct event *event_new(enum event_kind kind, struct src_pos pos);
/* Moves *ev into the script and frees the holder. */
void script_add_event(struct script *s, struct event *ev);
void event_free_contents(struct event *ev);

struct expr *expr_new(enum expr_kind kind, struct src_pos pos);
struct expr *expr_new_int(int64_t v, struct src_pos pos);
struct expr *expr_new_word(char *word, struct src_pos pos);
struct expr *expr_new_string(char *bytes, size_t len, struct src_pos pos);
struct expr *expr_new_list(struct src_pos pos);
void list_add(struct expr *list, struct expr *item);
struct expr *expr_new_struct(struct src_pos pos);
void struct_add_field(struct expr *st, char *name, struct expr *arg,
		      struct expr *value, struct src_pos pos);
/* Moves the fields of holder (an EXPR_STRUCT) to the end of dst. */
void struct_take_field(struct expr *dst, struct expr *holder);
struct expr *expr_new_binop(char op, struct expr *lhs, struct expr *rhs, struct src_pos pos);
/* args: an EXPR_LIST whose items move to the call. */
struct expr *expr_new_call(char *name, struct expr *args, struct src_pos pos);
/* `name` or `name(arg)` before '=' in a struct; consumes e on success. */
bool field_name_from_expr(struct expr *e, char **name, struct expr **arg);
void expr_free(struct expr *e);
void expr_list_free(struct expr_list *l);

struct packet *packet_new(void);
/* Head (prefixes, IP header, encapsulations) joined to the body. */
struct packet *packet_merge(struct packet *head, struct packet *body);
void packet_free(struct packet *p);
enum ecn_mark ecn_from_name(const char *name);
struct ip_header_spec *ip_header_new(int version, char *src, char *dst);
struct encapsulation *encapsulation_new(enum encap_kind kind, struct src_pos pos);
void encapsulation_free(struct encapsulation *e);
void packet_add_encap(struct packet *p, struct encapsulation *e);
bool mpls_labels_from_items(struct encapsulation *e, const struct expr *items);
bool tcp_flags_parse(const char *text, uint16_t *flags);

struct tcp_options *tcp_options_new(void);
void tcp_options_add(struct tcp_options *o, struct tcp_option *opt);
void tcp_options_free(struct tcp_options *o);
struct tcp_option *tcp_option_new(enum tcp_option_kind kind, struct src_pos pos);
void tcp_option_free(struct tcp_option *opt);
void tcp_option_free_contents(struct tcp_option *opt);
/* list: EXPR_LIST of ints, left and right edges alternating. */
void sack_from_list(struct tcp_option *opt, const struct expr *list);
/* Even number of hex digits to bytes. */
bool hex_decode(const char *text, uint8_t **bytes, size_t *len);

/* args: an EXPR_LIST whose items move to the call. */
struct syscall *syscall_new(char *name, struct expr *args);
void syscall_free(struct syscall *sc);

#endif
