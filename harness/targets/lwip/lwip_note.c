/* "lwIP lacks X": printed once per feature on stderr, where the verdict's
 * text goes, so a failing call reads as a missing feature rather than as
 * a difference from the RFC. */
#include "lwip_target.h"

#include <stdio.h>
#include <string.h>

void lwt_note_lacks(const char *what, const char *detail)
{
	size_t max = sizeof(lwt_g.notes_seen) / sizeof(lwt_g.notes_seen[0]);
	pthread_mutex_lock(&lwt_g.notes_lock);
	for (size_t i = 0; i < lwt_g.notes_count; i++) {
		if (!strcmp(lwt_g.notes_seen[i], what)) {
			pthread_mutex_unlock(&lwt_g.notes_lock);
			return;
		}
	}
	if (lwt_g.notes_count < max)
		snprintf(lwt_g.notes_seen[lwt_g.notes_count++], sizeof(lwt_g.notes_seen[0]),
			 "%s", what);
	pthread_mutex_unlock(&lwt_g.notes_lock);
	fprintf(stderr, "vwire-lwip: lwIP lacks %s%s%s\n", what,
		detail && *detail ? ": " : "", detail ? detail : "");
}
