/* Symbolic constants (SOL_SOCKET, TCP_NODELAY, EINPROGRESS, ...) by name. */
#ifndef VWIRE_SYMBOLS_H
#define VWIRE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbol {
	const char *name;
	int64_t value;
};

/* false when no constant has that name. */
bool symbol_lookup(const char *name, int64_t *value);
/* An errno name (EAGAIN, ...) to its value. */
bool errno_lookup(const char *name, int *value);
/* The whole table, for tests. */
size_t symbol_count(void);
const struct symbol *symbol_at(size_t i);

#endif
