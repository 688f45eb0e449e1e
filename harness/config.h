/* The run's configuration: packetdrill's command-line options (and the same
 * options written at the top of a script), plus vwire's own. */
#ifndef VWIRE_CONFIG_H
#define VWIRE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vwire_target.h"

struct define {
	char *name;
	char *value; /* "" for -D NAME */
	int line;    /* 0: the command line; else the script line of its --define */
};

struct config {
	/* network */
	enum vwire_ip_mode ip_mode;
	char local_ip[64], remote_ip[64], gateway_ip[64], netmask_ip[64];
	bool local_ip_set, remote_ip_set, gateway_ip_set, netmask_ip_set;
	int bind_port;       /* default 8080 */
	int connect_port;    /* default 8080 */
	int mss;             /* --mss, 0 when unset */
	int mtu;             /* default 1500 */

	/* timing */
	int64_t tolerance_usecs; /* default 4000 */
	double tolerance_percent;
	int64_t tcp_ts_tick_usecs; /* 0: TS values are not scaled */
	bool tcp_ts_ecr_scaled;

	/* target */
	char *target;        /* --target=PATH|kernel|lwip; NULL: built-in stack */
	char *so_flags;      /* --so_flags */

	/* behaviour */
	bool strict_segments;
	bool split_segments; /* --split_segments: a live super-segment may feed several expected ones */
	bool non_fatal;      /* --non_fatal=packet,syscall: keep going */
	bool non_fatal_packet, non_fatal_syscall; /* which kinds (both: bare flag) */
	int jobs;            /* --jobs; 0: the number of cores */
	int timeout_secs;    /* --timeout_secs; 0: $VWIRE_TIMEOUT_SECS or 300 */
	bool dry_run;
	int verbose;
	char *init_scripts;  /* --init_scripts */
	char *json_path;     /* --json=FILE */
	char *pcap_path;     /* --pcap=FILE */
	uint64_t seed;       /* --seed, default fixed */

	struct define *defines;
	size_t define_count;

	/* Front end: bit (1 << enum option_id) set for each option the
	 * command line gave, so script options do not override it. */
	uint64_t cmdline_set;
};

/* Defaults as packetdrill's (for the chosen IP version). */
void config_init(struct config *cfg);
/* Fill unset addresses for cfg->ip_mode; call after options are read. */
void config_finish(struct config *cfg);
void config_free(struct config *cfg);

#endif
