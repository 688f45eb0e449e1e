/* Finding and loading a target shared object. */
#include "target.h"

#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* <dir of bin/vwire>/../lib/NAME */
static int lib_beside_binary(const char *so, char *path, size_t len,
			     char *err, size_t errlen)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(err, errlen, "cannot find vwire's own path");
		return -1;
	}
	exe[n] = '\0';
	char *dir = dirname(exe);
	if ((size_t)snprintf(path, len, "%s/../lib/%s", dir, so) >= len) {
		snprintf(err, errlen, "target path too long");
		return -1;
	}
	return 0;
}

int target_resolve(const char *spec, char *path, size_t path_len,
		   char *name, size_t name_len, char *err, size_t errlen)
{
	static const struct { const char *word, *so, *name; } known[] = {
		{ "vstack", "libvstack.so", "vstack" },
		{ "kernel", "vwire-kernel.so", "kernel" },
		{ "lwip", "vwire-lwip.so", "lwip" },
	};
	if (!spec || !*spec)
		spec = "vstack";
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(spec, known[i].word)) {
			snprintf(name, name_len, "%s", known[i].name);
			return lib_beside_binary(known[i].so, path, path_len, err, errlen);
		}
	}
	if (strlen(spec) >= path_len) {
		snprintf(err, errlen, "target path too long");
		return -1;
	}
	snprintf(path, path_len, "%s", spec);
	snprintf(name, name_len, "%s", spec);
	return 0;
}

int target_open(struct target *t, const char *spec, const char *flags,
		char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (target_resolve(spec, t->path, sizeof(t->path), t->name,
			   sizeof(t->name), err, errlen))
		return -1;
	/* A bare file name would make dlopen search the library path. */
	char load[4200];
	snprintf(load, sizeof(load), "%s%s", strchr(t->path, '/') ? "" : "./", t->path);
	t->handle = dlopen(load, RTLD_NOW | RTLD_LOCAL);
	if (!t->handle) {
		snprintf(err, errlen, "cannot load target %s: %s", t->path, dlerror());
		return -1;
	}
	packetdrill_interface_init_t init;
	*(void **)&init = dlsym(t->handle, "packetdrill_interface_init");
	if (!init) {
		snprintf(err, errlen, "target %s has no packetdrill_interface_init", t->path);
		dlclose(t->handle);
		t->handle = NULL;
		return -1;
	}
	init(flags ? flags : "", &t->ifc);
	*(void **)&t->configure = dlsym(t->handle, VWIRE_CONFIGURE_SYM);
	*(void **)&t->sysctl_set = dlsym(t->handle, VWIRE_SYSCTL_SET_SYM);
	*(void **)&t->sysctl_get = dlsym(t->handle, VWIRE_SYSCTL_GET_SYM);
	*(void **)&t->sysctl_name = dlsym(t->handle, VWIRE_SYSCTL_NAME_SYM);
	*(void **)&t->connections = dlsym(t->handle, VWIRE_CONNECTIONS_SYM);
	*(void **)&t->set_state_hook = dlsym(t->handle, VWIRE_SET_STATE_HOOK_SYM);
	*(void **)&t->blocked_calls = dlsym(t->handle, VWIRE_BLOCKED_CALLS_SYM);
	*(void **)&t->next_timer = dlsym(t->handle, VWIRE_NEXT_TIMER_SYM);
	*(void **)&t->set_qdisc = dlsym(t->handle, VWIRE_SET_QDISC_SYM);
	*(void **)&t->tcp_metrics_flush = dlsym(t->handle, VWIRE_TCP_METRICS_FLUSH_SYM);
	*(void **)&t->mib = dlsym(t->handle, VWIRE_MIB_SYM);
	*(void **)&t->sent_time = dlsym(t->handle, VWIRE_SENT_TIME_SYM);
	if (!(t->sysctl_set && t->sysctl_get && t->sysctl_name))
		t->sysctl_set = NULL, t->sysctl_get = NULL, t->sysctl_name = NULL;
	if (!t->ifc.netdev_send || !t->ifc.netdev_receive || !t->ifc.gettimeofday ||
	    !t->ifc.usleep) {
		snprintf(err, errlen, "target %s lacks netdev_send/netdev_receive/usleep/gettimeofday", t->path);
		dlclose(t->handle);
		t->handle = NULL;
		return -1;
	}
	return 0;
}

void target_close(struct target *t, int skip_free)
{
	if (!t->handle)
		return;
	if (!skip_free && t->ifc.free)
		t->ifc.free(t->ifc.userdata);
	/* A stuck call's thread still runs target code: keep it mapped. */
	if (!skip_free)
		dlclose(t->handle);
	t->handle = NULL;
}

long long target_now_usecs(struct target *t)
{
	struct timeval tv;
	t->ifc.gettimeofday(t->ifc.userdata, &tv, NULL);
	return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}
