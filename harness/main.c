/* bin/vwire: read the command line, then check (--dry_run), print
 * (--print) or run the scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"
#include "options.h"
#include "run.h"

#define VWIRE_VERSION "0.1"

/* Each script gets a fresh configuration from the command line, so one
 * script's --options never leak into the next. */
static int load_config(int argc, char **argv, struct config *cfg, struct cli_request *req)
{
	char err[512];
	config_init(cfg);
	if (options_parse_command_line(argc, argv, cfg, req, err, sizeof(err))) {
		fprintf(stderr, "vwire: %s\n", err);
		config_free(cfg);
		return EXIT_USAGE;
	}
	config_finish(cfg);
	return EXIT_PASS;
}

/* --dry_run and --print: parse and check every script; print the first
 * error of each bad one. */
static int check_scripts(int argc, char **argv, const struct cli_request *req)
{
	int rc = EXIT_PASS;
	for (int i = req->first_script; i < argc; i++) {
		struct config cfg;
		struct cli_request again;
		if (load_config(argc, argv, &cfg, &again))
			return EXIT_USAGE;
		struct diag err;
		struct script *s = script_load(argv[i], &cfg, &err);
		if (!s) {
			diag_print(&err, stderr);
			rc = EXIT_USAGE;
		} else if (req->print) {
			script_print(s, stdout);
		}
		script_free(s);
		config_free(&cfg);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct cli_request req;
	if (load_config(argc, argv, &cfg, &req))
		return EXIT_USAGE;
	char err[512];
	if (!options_check_config(&cfg, err, sizeof(err))) {
		fprintf(stderr, "vwire: %s\n", err);
		config_free(&cfg);
		return EXIT_USAGE;
	}
	if (req.help) {
		options_print_help(stdout);
		config_free(&cfg);
		return EXIT_PASS;
	}
	if (req.version) {
		printf("vwire %s\n", VWIRE_VERSION);
		config_free(&cfg);
		return EXIT_PASS;
	}
	if (req.first_script >= argc) {
		fprintf(stderr, "vwire: no script given (usage: vwire [options] script.pkt ...; see --help)\n");
		config_free(&cfg);
		return EXIT_USAGE;
	}
	int rc;
	if (cfg.dry_run || req.print) {
		config_free(&cfg);
		rc = check_scripts(argc, argv, &req);
	} else {
		rc = run_scripts(&cfg, argc - req.first_script, argv + req.first_script);
		config_free(&cfg);
	}
	return rc;
}
