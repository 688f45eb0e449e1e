/* Script descriptors versus the target's live ones, as packetdrill keeps
 * them: `socket(...) = 4` names fd 4 for the rest of the script whatever
 * number the target returned; every later call translates it back. A
 * zeroed struct is an empty map. */
#ifndef VWIRE_FD_MAP_H
#define VWIRE_FD_MAP_H

#include <stdbool.h>

#define FD_MAP_MAX 256
/* Given to the target for a script fd that names nothing: EBADF. */
#define FD_MAP_INVALID 1000000

enum fd_owner {
	FD_TARGET,  /* a descriptor of the target (socket, epoll, pipe) */
	FD_HOST,    /* a file vwire opened itself for the script (open()) */
};

struct fd_map_entry {
	int script, live;
	enum fd_owner owner;
};

struct fd_map {
	struct fd_map_entry e[FD_MAP_MAX];
	int count;
};

/* The live fd for a script fd; an unmapped fd passes through unchanged
 * (a target numbering as the script does needs no entries) unless that
 * number is another script fd's live one: then FD_MAP_INVALID. */
int fd_map_live(const struct fd_map *m, int script_fd);
/* The script fd for a live one, or live_fd itself when unmapped. */
int fd_map_script(const struct fd_map *m, int live_fd);
/* The entry of a script fd, NULL when unmapped. */
const struct fd_map_entry *fd_map_find(const struct fd_map *m, int script_fd);
/* Name script_fd for live_fd (replacing an old entry); -1 when full. */
int fd_map_set(struct fd_map *m, int script_fd, int live_fd, enum fd_owner owner);
void fd_map_drop(struct fd_map *m, int script_fd);

#endif
