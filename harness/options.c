/* One option table for the command line (getopt_long) and for options
 * written at the top of a script. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

struct option_spec {
	const char *name;
	int has_arg;          /* getopt_long's no_argument / required_argument / optional_argument */
	int short_name;       /* 0: none */
	bool script_ok;       /* may be written in a script */
	const char *arg_help;
	const char *help;
};

/* Indexed by enum option_id. */
static const struct option_spec specs[OPTID_COUNT] = {
	[OPTID_IP_VERSION]        = { "ip_version", required_argument, 0, true, "ipv4|ipv6|ipv4-mapped-ipv6", "IP version of the script's packets and sockets" },
	[OPTID_LOCAL_IP]          = { "local_ip", required_argument, 0, true, "ADDR", "the target's address" },
	[OPTID_REMOTE_IP]         = { "remote_ip", required_argument, 0, true, "ADDR", "the script's remote host" },
	[OPTID_GATEWAY_IP]        = { "gateway_ip", required_argument, 0, true, "ADDR", "gateway address" },
	[OPTID_NETMASK_IP]        = { "netmask_ip", required_argument, 0, true, "MASK", "netmask of the local network" },
	[OPTID_BIND_PORT]         = { "bind_port", required_argument, 0, true, "PORT", "port bind() uses for `...` (8080)" },
	[OPTID_CONNECT_PORT]      = { "connect_port", required_argument, 0, true, "PORT", "port connect() uses for `...` (8080)" },
	[OPTID_MSS]               = { "mss", required_argument, 0, true, "N", "MSS of the target's interface" },
	[OPTID_MTU]               = { "mtu", required_argument, 0, true, "N", "MTU of the target's interface (1500)" },
	[OPTID_TOLERANCE_USECS]   = { "tolerance_usecs", required_argument, 0, true, "N", "timing tolerance in microseconds (4000)" },
	[OPTID_TOLERANCE_PERCENT] = { "tolerance_percent", required_argument, 0, true, "P", "timing tolerance as a percentage of the interval" },
	[OPTID_INIT_SCRIPTS]      = { "init_scripts", required_argument, 0, true, "FILES", "scripts run before each script" },
	[OPTID_SO_FILENAME]       = { "so_filename", required_argument, 0, true, "PATH", "shared object implementing the target (as --target)" },
	[OPTID_SO_FLAGS]          = { "so_flags", required_argument, 0, true, "FLAGS", "flags passed to the shared object's init" },
	[OPTID_TCP_TS_TICK_USECS] = { "tcp_ts_tick_usecs", required_argument, 0, true, "N", "microseconds per TCP timestamp tick" },
	[OPTID_TCP_TS_ECR_SCALED] = { "tcp_ts_ecr_scaled", optional_argument, 0, true, NULL, "scale TS ecr values too" },
	[OPTID_STRICT_SEGMENTS]   = { "strict_segments", optional_argument, 0, true, NULL, "one live segment per expected packet" },
	[OPTID_SPLIT_SEGMENTS]    = { "split_segments", optional_argument, 0, true, NULL, "a live super-segment may stand for several expected segments (vwire extension)" },
	[OPTID_NON_FATAL]         = { "non_fatal", optional_argument, 0, true, "packet,syscall", "keep going after failures" },
	[OPTID_DRY_RUN]           = { "dry_run", no_argument, 0, false, NULL, "parse and check the scripts only" },
	[OPTID_DEFINE]            = { "define", required_argument, 'D', true, "NAME[=VALUE]", "replace NAME in the scripts" },
	[OPTID_VERBOSE]           = { "verbose", no_argument, 'v', true, NULL, "print more (repeat for more)" },
	[OPTID_TARGET]            = { "target", required_argument, 0, true, "PATH|kernel|lwip", "the stack to drive (default: built-in)" },
	[OPTID_JSON]              = { "json", required_argument, 0, false, "FILE", "write the result as JSON" },
	[OPTID_PCAP]              = { "pcap", required_argument, 0, false, "FILE", "write the packets as pcap" },
	[OPTID_SEED]              = { "seed", required_argument, 0, true, "N", "seed for ISNs and anything random" },
	[OPTID_PRINT]             = { "print", no_argument, 0, false, NULL, "parse, check and print the scripts back" },
	[OPTID_HELP]              = { "help", no_argument, 'h', false, NULL, "this text" },
	[OPTID_VERSION]           = { "version", no_argument, 0, false, NULL, "print the version" },
	[OPTID_TIMEOUT_SECS]      = { "timeout_secs", required_argument, 0, false, "N", "wall-clock limit per script (300; env VWIRE_TIMEOUT_SECS)" },
	[OPTID_JOBS]              = { "jobs", required_argument, 'j', false, "N", "scripts run at once, output kept in order (default: the number of cores)" },
};

static bool fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return false;
}

static bool parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!s || !strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "no")) {
		*out = false;
		return true;
	}
	return false;
}

static bool valid_ip(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static bool set_ip(char *dst, size_t dst_len, bool *is_set, const char *name,
		   const char *value, char *err, size_t err_len)
{
	if (!value || strlen(value) >= dst_len || !valid_ip(value))
		return fail(err, err_len, "bad value for --%s: '%s' is not an IP address", name, value ? value : "");
	snprintf(dst, dst_len, "%s", value);
	*is_set = true;
	return true;
}

static void replace_string(char **dst, const char *value)
{
	free(*dst);
	*dst = strdup(value ? value : "");
	if (!*dst)
		abort();
}

static bool valid_define_name(const char *s, size_t n)
{
	if (n == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static bool add_define(struct config *cfg, const char *text, char *err, size_t err_len)
{
	const char *eq = strchr(text, '=');
	size_t n = eq ? (size_t)(eq - text) : strlen(text);
	if (!valid_define_name(text, n))
		return fail(err, err_len, "bad value for --define: '%s' (expected NAME or NAME=VALUE)", text);
	/* A value spanning lines would shift every line number after it. */
	if (eq && strchr(eq, '\n'))
		return fail(err, err_len, "bad value for --define: the value of '%.*s' has a newline", (int)n, text);
	char *name = strndup(text, n);
	char *value = strdup(eq ? eq + 1 : "");
	if (!name || !value)
		abort();
	for (size_t i = 0; i < cfg->define_count; i++) {
		if (!strcmp(cfg->defines[i].name, name)) { /* the last -D wins */
			free(cfg->defines[i].value);
			cfg->defines[i].value = value;
			free(name);
			return true;
		}
	}
	struct define *d = realloc(cfg->defines, (cfg->define_count + 1) * sizeof(*d));
	if (!d)
		abort();
	cfg->defines = d;
	cfg->defines[cfg->define_count++] = (struct define){ name, value, 0 };
	return true;
}

/* --non_fatal[=packet,syscall]: which failures are reported and run past,
 * as packetdrill's; the bare flag means both. */
static bool parse_non_fatal(struct config *cfg, const char *value, char *err, size_t err_len)
{
	if (!value || !*value) {
		cfg->non_fatal = cfg->non_fatal_packet = cfg->non_fatal_syscall = true;
		return true;
	}
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", value);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "packet"))
			cfg->non_fatal_packet = true;
		else if (!strcmp(tok, "syscall"))
			cfg->non_fatal_syscall = true;
		else
			return fail(err, err_len, "bad value for --non_fatal: '%s' (expected packet, syscall or both, comma-separated)", value);
	}
	cfg->non_fatal = true;
	return true;
}

/* Set one option's value in cfg; the shared core of both sources. */
static bool apply(struct config *cfg, enum option_id id, const char *value,
		  char *err, size_t err_len)
{
	const char *name = specs[id].name;
	int64_t n;
	bool b;
	switch (id) {
	case OPTID_IP_VERSION:
		if (value && !strcmp(value, "ipv4"))
			cfg->ip_mode = VWIRE_IPV4;
		else if (value && !strcmp(value, "ipv6"))
			cfg->ip_mode = VWIRE_IPV6;
		else if (value && !strcmp(value, "ipv4-mapped-ipv6"))
			cfg->ip_mode = VWIRE_IPV4_MAPPED_IPV6;
		else
			return fail(err, err_len, "bad value for --ip_version: '%s' (expected ipv4, ipv6 or ipv4-mapped-ipv6)", value ? value : "");
		return true;
	case OPTID_LOCAL_IP:
		return set_ip(cfg->local_ip, sizeof(cfg->local_ip), &cfg->local_ip_set, name, value, err, err_len);
	case OPTID_REMOTE_IP:
		return set_ip(cfg->remote_ip, sizeof(cfg->remote_ip), &cfg->remote_ip_set, name, value, err, err_len);
	case OPTID_GATEWAY_IP:
		return set_ip(cfg->gateway_ip, sizeof(cfg->gateway_ip), &cfg->gateway_ip_set, name, value, err, err_len);
	case OPTID_NETMASK_IP:
		return set_ip(cfg->netmask_ip, sizeof(cfg->netmask_ip), &cfg->netmask_ip_set, name, value, err, err_len);
	case OPTID_BIND_PORT:
	case OPTID_CONNECT_PORT:
		if (!parse_int(value, 0, 65535, &n))
			return fail(err, err_len, "bad value for --%s: '%s' (expected a port, 0..65535)", name, value ? value : "");
		*(id == OPTID_BIND_PORT ? &cfg->bind_port : &cfg->connect_port) = (int)n;
		return true;
	case OPTID_MSS:
		if (!parse_int(value, 1, 65535, &n))
			return fail(err, err_len, "bad value for --mss: '%s' (expected 1..65535)", value ? value : "");
		cfg->mss = (int)n;
		return true;
	case OPTID_MTU:
		if (!parse_int(value, 68, 65535, &n))
			return fail(err, err_len, "bad value for --mtu: '%s' (expected 68..65535)", value ? value : "");
		cfg->mtu = (int)n;
		return true;
	case OPTID_TOLERANCE_USECS:
		if (!parse_int(value, 0, INT64_MAX / 2, &n))
			return fail(err, err_len, "bad value for --tolerance_usecs: '%s' (expected a non-negative number of microseconds)", value ? value : "");
		cfg->tolerance_usecs = n;
		return true;
	case OPTID_TOLERANCE_PERCENT: {
		char *end;
		errno = 0;
		double d = value ? strtod(value, &end) : -1;
		if (!value || !*value || errno || *end || !(d >= 0 && d <= 1e6))
			return fail(err, err_len, "bad value for --tolerance_percent: '%s' (expected a non-negative number)", value ? value : "");
		cfg->tolerance_percent = d;
		return true;
	}
	case OPTID_INIT_SCRIPTS:
		replace_string(&cfg->init_scripts, value);
		return true;
	case OPTID_SO_FILENAME:
	case OPTID_TARGET:
		if (!value || !*value)
			return fail(err, err_len, "bad value for --%s: expected a path, 'kernel' or 'lwip'", name);
		replace_string(&cfg->target, value);
		return true;
	case OPTID_SO_FLAGS:
		replace_string(&cfg->so_flags, value);
		return true;
	case OPTID_TCP_TS_TICK_USECS:
		if (!parse_int(value, 0, 1000000000, &n))
			return fail(err, err_len, "bad value for --tcp_ts_tick_usecs: '%s' (expected 0..1000000000)", value ? value : "");
		cfg->tcp_ts_tick_usecs = n;
		return true;
	case OPTID_TCP_TS_ECR_SCALED:
	case OPTID_STRICT_SEGMENTS:
	case OPTID_SPLIT_SEGMENTS:
		if (!parse_bool(value, &b))
			return fail(err, err_len, "bad value for --%s: '%s' (expected no value, 0 or 1)", name, value);
		*(id == OPTID_STRICT_SEGMENTS ? &cfg->strict_segments :
		  id == OPTID_SPLIT_SEGMENTS ? &cfg->split_segments : &cfg->tcp_ts_ecr_scaled) = b;
		return true;
	case OPTID_NON_FATAL:
		return parse_non_fatal(cfg, value, err, err_len);
	case OPTID_TIMEOUT_SECS:
		if (!parse_int(value, 1, 86400 * 7, &n))
			return fail(err, err_len, "bad value for --timeout_secs: '%s' (expected 1..604800)", value ? value : "");
		cfg->timeout_secs = (int)n;
		return true;
	case OPTID_JOBS:
		if (!parse_int(value, 1, 1024, &n))
			return fail(err, err_len, "bad value for --jobs: '%s' (expected 1..1024)", value ? value : "");
		cfg->jobs = (int)n;
		return true;
	case OPTID_DRY_RUN:
		cfg->dry_run = true;
		return true;
	case OPTID_DEFINE:
		return add_define(cfg, value ? value : "", err, err_len);
	case OPTID_VERBOSE:
		cfg->verbose++;
		return true;
	case OPTID_JSON:
		replace_string(&cfg->json_path, value);
		return true;
	case OPTID_PCAP:
		replace_string(&cfg->pcap_path, value);
		return true;
	case OPTID_SEED: {
		char *end;
		errno = 0;
		unsigned long long v = value && *value && *value != '-' ? strtoull(value, &end, 0) : 0;
		if (!value || !*value || *value == '-' || errno || *end)
			return fail(err, err_len, "bad value for --seed: '%s' (expected a non-negative integer)", value ? value : "");
		cfg->seed = v;
		return true;
	}
	case OPTID_PRINT:
	case OPTID_HELP:
	case OPTID_VERSION:
	case OPTID_COUNT:
		break;
	}
	return true;
}

int options_parse_command_line(int argc, char **argv, struct config *cfg,
			       struct cli_request *req, char *err, size_t err_len)
{
	struct option longs[OPTID_COUNT + 1];
	char shorts[3 * OPTID_COUNT + 2];
	size_t ns = 0;
	shorts[ns++] = ':'; /* report a missing argument as ':' */
	for (int i = 0; i < OPTID_COUNT; i++) {
		longs[i] = (struct option){ specs[i].name, specs[i].has_arg, NULL, 1000 + i };
		if (specs[i].short_name) {
			shorts[ns++] = (char)specs[i].short_name;
			if (specs[i].has_arg == required_argument)
				shorts[ns++] = ':';
		}
	}
	longs[OPTID_COUNT] = (struct option){ 0 };
	shorts[ns] = '\0';
	memset(req, 0, sizeof(*req));
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		int id = -1;
		if (c >= 1000 && c < 1000 + OPTID_COUNT) {
			id = c - 1000;
		} else if (c == '?') {
			if (optopt)
				fail(err, err_len, "unknown option '-%c' (see --help)", optopt);
			else
				fail(err, err_len, "unknown option '%s' (see --help)", argv[optind - 1]);
			return 2;
		} else if (c == ':') {
			fail(err, err_len, "option '%s' needs a value (see --help)", argv[optind - 1]);
			return 2;
		} else {
			for (int i = 0; i < OPTID_COUNT; i++)
				if (specs[i].short_name == c)
					id = i;
		}
		if (id < 0) {
			fail(err, err_len, "unknown option (see --help)");
			return 2;
		}
		switch (id) {
		case OPTID_PRINT: req->print = true; break;
		case OPTID_HELP: req->help = true; break;
		case OPTID_VERSION: req->version = true; break;
		default:
			if (!apply(cfg, (enum option_id)id, optarg, err, err_len))
				return 2;
		}
		cfg->cmdline_set |= UINT64_C(1) << id;
	}
	req->first_script = optind;
	return 0;
}

bool options_apply_named(struct config *cfg, const char *name, const char *value,
			 char *err, size_t err_len)
{
	for (int i = 0; i < OPTID_COUNT; i++) {
		if (strcmp(specs[i].name, name))
			continue;
		if (!specs[i].script_ok)
			return fail(err, err_len, "option '--%s' cannot be given in a script", name);
		if (specs[i].has_arg == required_argument && !value)
			return fail(err, err_len, "option '--%s' needs a value", name);
		if (specs[i].has_arg == no_argument && value)
			return fail(err, err_len, "option '--%s' takes no value", name);
		/* Command-line values win; -D and -v add up instead. */
		if ((cfg->cmdline_set & (UINT64_C(1) << i)) && i != OPTID_DEFINE && i != OPTID_VERBOSE)
			return true;
		return apply(cfg, (enum option_id)i, value, err, err_len);
	}
	return fail(err, err_len, "unknown option '--%s'", name);
}

static int family_of(const char *s)
{
	unsigned char buf[16];
	if (inet_pton(AF_INET, s, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return 6;
	return 0;
}

bool options_check_config(const struct config *cfg, char *err, size_t err_len)
{
	int want = cfg->ip_mode == VWIRE_IPV6 ? 6 : 4;
	const struct { const char *name, *value; } addrs[] = {
		{ "local_ip", cfg->local_ip }, { "remote_ip", cfg->remote_ip },
		{ "gateway_ip", cfg->gateway_ip }, { "netmask_ip", cfg->netmask_ip },
	};
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		int fam = family_of(addrs[i].value);
		if (fam != want)
			return fail(err, err_len, "--%s=%s is not an IPv%d address, as --ip_version needs",
				    addrs[i].name, addrs[i].value, want);
	}
	return true;
}

void options_print_help(FILE *out)
{
	fprintf(out, "usage: vwire [options] script.pkt ...\n\n"
		"Runs packetdrill scripts against a TCP stack (by default vwire's own).\n"
		"Exit status: 0 pass, 1 a script failed, 2 bad script or command line.\n\n");
	for (int i = 0; i < OPTID_COUNT; i++) {
		char left[80];
		const struct option_spec *s = &specs[i];
		int n = 0;
		if (s->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", s->short_name);
		const char *eq = s->has_arg == optional_argument ? "[=" : "=";
		snprintf(left + n, sizeof(left) - n, "--%s%s%s%s", s->name,
			 s->arg_help ? eq : "", s->arg_help ? s->arg_help : "",
			 s->arg_help && s->has_arg == optional_argument ? "]" : "");
		fprintf(out, "  %-44s %s\n", left, s->help);
	}
}
