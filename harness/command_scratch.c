/* See command_scratch.h. Names: <base>/vwire-sysctl-<owner>-<hash> for a
 * shared lower (owner: bin/vwire's parent process, hash: FNV-1a of every
 * name and value), <base>/vwire-sysctl-<owner>-cmd-XXXXXX for a command's
 * upper and work folders, where <base> is /dev/shm when it is a writable
 * folder (tmpfs: files there cost no disk), else /tmp. */
#include "command_scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define VALUE_LEN 1024
#define PREFIX "vwire-sysctl-"

static const char *scratch_base(void)
{
	struct stat st;
	return stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	       access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

/* "net.ipv4.tcp_rmem" -> "<dir>/ipv4/tcp_rmem" (the tree stands for
 * /proc/sys/net). */
static int sysctl_path(const char *dir, const char *name, char *buf, size_t len)
{
	if (strncmp(name, "net.", 4) != 0)
		return -1;
	int n = snprintf(buf, len, "%s/%s", dir, name + 4);
	if (n < 0 || (size_t)n >= len)
		return -1;
	for (char *p = buf + strlen(dir) + 1; *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

/* mkdir -p of the folders of path below from (which exists), unless they
 * are those of the previous path, kept in last (the names come grouped by
 * folder: one mkdir per folder, not one per level and file). */
static int make_parents(char *path, size_t from, char *last, size_t last_len)
{
	char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) : 0;
	if (dir_len <= from || (strlen(last) == dir_len && memcmp(last, path, dir_len) == 0))
		return 0;
	for (char *p = path + from + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc && errno != EEXIST)
			return -1;
	}
	if (dir_len < last_len) {
		memcpy(last, path, dir_len);
		last[dir_len] = '\0';
	}
	return 0;
}

/* "text\n" into a new file. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	struct iovec iov[2] = { { (void *)text, n }, { "\n", 1 } };
	ssize_t w = writev(fd, iov, 2);
	return close(fd) == 0 && w == (ssize_t)(n + 1) ? 0 : -1;
}

int command_scratch_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t k;
	while (n < len - 1 && (k = read(fd, buf + n, len - 1 - n)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		n += (size_t)k;
	}
	close(fd);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return 0;
}

/* Whitespace-insensitive: "4096 131072" equals "4096\t131072". */
static bool same_value(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t')
			a++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		while (*a && *b && *a == *b && *a != ' ' && *a != '\t')
			a++, b++;
		bool sa = !*a || *a == ' ' || *a == '\t';
		bool sb = !*b || *b == ' ' || *b == '\t';
		if (!(sa && sb))
			return false;
	}
}

/* Every sysctl of the target as a file under dir. */
static int fill(struct target *t, const char *dir)
{
	char path[4096], value[VALUE_LEN], last[4096] = "";
	size_t from = strlen(dir);
	for (size_t i = 0;; i++) {
		const char *name = t->sysctl_name(t->ifc.userdata, i);
		if (!name)
			break;
		if (sysctl_path(dir, name, path, sizeof(path)) ||
		    make_parents(path, from, last, sizeof(last)))
			continue;
		if (t->sysctl_get(t->ifc.userdata, name, value, sizeof(value)))
			continue;
		if (write_file(path, value))
			return -1;
	}
	return 0;
}

static uint64_t values_hash(struct target *t)
{
	uint64_t h = 1469598103934665603ULL;
	char value[VALUE_LEN];
	for (size_t i = 0;; i++) {
		const char *name = t->sysctl_name(t->ifc.userdata, i);
		if (!name)
			break;
		const char *v = t->sysctl_get(t->ifc.userdata, name, value, sizeof(value)) ? "" : value;
		/* Each string with its NUL, so "a","bc" differs from "ab","c";
		 * a missing value hashes apart from an empty one. */
		for (const char *s = name;; s++) {
			h = (h ^ (unsigned char)*s) * 1099511628211ULL;
			if (!*s)
				break;
		}
		h = (h ^ (v == value ? 1u : 2u)) * 1099511628211ULL;
		for (const char *s = v;; s++) {
			h = (h ^ (unsigned char)*s) * 1099511628211ULL;
			if (!*s)
				break;
		}
	}
	return h;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf, in-process (an exec of rm cost more than the rest of it). */
static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int command_scratch_prepare(struct target *t, struct command_scratch *sc)
{
	const char *base = scratch_base();
	int owner = (int)getppid();
	snprintf(sc->lower, sizeof(sc->lower), "%s/" PREFIX "%d-%016llx", base, owner,
		 (unsigned long long)values_hash(t));
	struct stat st;
	if (stat(sc->lower, &st) || !S_ISDIR(st.st_mode)) {
		/* Written aside and renamed into place, so a script never
		 * sees another's half-written tree. */
		char tmp[160];
		snprintf(tmp, sizeof(tmp), "%s/" PREFIX "%d-new-XXXXXX", base, owner);
		if (!mkdtemp(tmp))
			return -1;
		if (fill(t, tmp)) {
			remove_tree(tmp);
			return -1;
		}
		if (rename(tmp, sc->lower)) {
			remove_tree(tmp); /* another script was first */
			if (stat(sc->lower, &st) || !S_ISDIR(st.st_mode))
				return -1;
		}
	}
	snprintf(sc->top, sizeof(sc->top), "%s/" PREFIX "%d-cmd-XXXXXX", base, owner);
	if (!mkdtemp(sc->top))
		return -1;
	char dir[200];
	snprintf(dir, sizeof(dir), "%s/up", sc->top);
	int rc = mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/work", sc->top);
	if (rc || mkdir(dir, 0755)) {
		remove_tree(sc->top);
		return -1;
	}
	return 0;
}

int command_scratch_mount(struct target *t, const struct command_scratch *sc)
{
	char opts[600], up[200];
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/up,workdir=%s/work", sc->lower,
		 sc->top, sc->top);
	const char *overlay = getenv("VWIRE_SCRATCH_OVERLAY"); /* "0": test the fallback */
	if (!(overlay && strcmp(overlay, "0") == 0) &&
	    mount("overlay", "/proc/sys/net", "overlay", 0, opts) == 0)
		return 0;
	/* No overlayfs: the full tree, written here, for this command. */
	snprintf(up, sizeof(up), "%s/up", sc->top);
	if (fill(t, up))
		return -1;
	return mount(up, "/proc/sys/net", NULL, MS_BIND | MS_REC, NULL);
}

void command_scratch_finish(struct target *t, struct command_scratch *sc, bool verbose)
{
	char up[200], path[4096], old[VALUE_LEN], now[VALUE_LEN];
	snprintf(up, sizeof(up), "%s/up", sc->top);
	DIR *d = opendir(up);
	int entries = 0;
	for (struct dirent *e; d && entries < 3 && (e = readdir(d));)
		entries++;
	if (d)
		closedir(d);
	if (entries <= 2)
		goto done; /* nothing written: only "." and ".." */
	/* In the names' order, as the target lists them (a value may
	 * depend on another's). A file the command deleted (an overlay
	 * whiteout, not a regular file) changes nothing. */
	for (size_t i = 0;; i++) {
		const char *name = t->sysctl_name(t->ifc.userdata, i);
		if (!name)
			break;
		struct stat st;
		if (sysctl_path(up, name, path, sizeof(path)) || lstat(path, &st) ||
		    !S_ISREG(st.st_mode) ||
		    t->sysctl_get(t->ifc.userdata, name, old, sizeof(old)) ||
		    command_scratch_read(path, now, sizeof(now)))
			continue;
		if (!same_value(old, now) && t->sysctl_set(t->ifc.userdata, name, now) && verbose)
			fprintf(stderr, "vwire: target refused sysctl %s=%s\n", name, now);
	}
done:
	remove_tree(sc->top);
}

void command_scratch_cleanup(pid_t owner)
{
	const char *base = scratch_base();
	DIR *d = opendir(base);
	if (!d)
		return;
	size_t plen = strlen(PREFIX);
	for (struct dirent *e; (e = readdir(d));) {
		if (strncmp(e->d_name, PREFIX, plen) != 0)
			continue;
		char *end;
		long pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || *end != '-' || pid <= 0)
			continue; /* not of this naming (an older vwire's) */
		if (pid != owner && !(kill((pid_t)pid, 0) && errno == ESRCH))
			continue; /* another run's, still going */
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
		remove_tree(path);
	}
	closedir(d);
}
