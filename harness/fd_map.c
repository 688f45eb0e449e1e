/* The script-to-live descriptor map (see fd_map.h). A handful of entries
 * per script: a linear search is all it needs. */
#include "fd_map.h"

#include <stddef.h>

const struct fd_map_entry *fd_map_find(const struct fd_map *m, int script_fd)
{
	for (int i = 0; i < m->count; i++)
		if (m->e[i].script == script_fd)
			return &m->e[i];
	return NULL;
}

int fd_map_live(const struct fd_map *m, int script_fd)
{
	const struct fd_map_entry *e = fd_map_find(m, script_fd);
	if (e)
		return e->live;
	/* Unmapped, but the live number of another script fd: must not
	 * reach that descriptor (close(3) when the script's 4 is live 3). */
	for (int i = 0; i < m->count; i++)
		if (m->e[i].live == script_fd)
			return FD_MAP_INVALID;
	return script_fd;
}

int fd_map_script(const struct fd_map *m, int live_fd)
{
	for (int i = 0; i < m->count; i++)
		if (m->e[i].live == live_fd && m->e[i].owner == FD_TARGET)
			return m->e[i].script;
	return live_fd;
}

int fd_map_set(struct fd_map *m, int script_fd, int live_fd, enum fd_owner owner)
{
	fd_map_drop(m, script_fd);
	if (m->count == FD_MAP_MAX)
		return -1;
	m->e[m->count++] = (struct fd_map_entry){ script_fd, live_fd, owner };
	return 0;
}

void fd_map_drop(struct fd_map *m, int script_fd)
{
	for (int i = 0; i < m->count; i++)
		if (m->e[i].script == script_fd) {
			m->e[i] = m->e[--m->count];
			return;
		}
}
