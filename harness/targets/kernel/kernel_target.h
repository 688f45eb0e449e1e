/* The kernel target's private state and the functions its files share.
 *
 * The target drives this machine's Linux TCP through a TUN device in a
 * private network namespace. Everything it keeps lives in one struct
 * kernel_target (the table's userdata): there is no global state.
 */
#ifndef VWIRE_KERNEL_TARGET_H
#define VWIRE_KERNEL_TARGET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vwire_target.h"

/* Script-visible descriptors: the kernel hands out whatever number is
 * free in vwire's process, scripts expect Linux's numbering from 3. */
#define KT_MAX_FDS 1024

#define KT_TUN_NAME "tun0"

/* kernel_sniff.c: copies of tun0's outgoing packets kept for matching
 * (headers only) and how many bytes of each. */
#define KT_SNIFF_RING 256
#define KT_SNIFF_HEAD 96

struct kt_sniffed {
	unsigned char head[KT_SNIFF_HEAD];
	size_t len;
	int64_t usecs;              /* kernel timestamp, gettimeofday's clock */
};
#define KT_NEEDS_PRIVILEGE \
	"kernel target: needs root or CAP_NET_ADMIN to create a network " \
	"namespace and a TUN device"

struct kernel_target {
	pthread_mutex_t lock;       /* guards fds[] and the set-up below */
	int fds[KT_MAX_FDS];        /* script fd -> live fd, -1 when free */

	pid_t ns_pid;               /* process that owns the namespace */
	int ns_fd;                  /* /proc/thread-self/ns/net of it, or -1 */
	dev_t ns_dev;               /* identity of the namespace */
	ino_t ns_ino;

	bool net_ready;             /* tun0 up, addresses and routes set */
	int tun_fd;                 /* non-blocking, IFF_TUN | IFF_NO_PI */
	int sniff_fd;               /* packet socket on tun0, or -1 */
	size_t sniff_len;           /* entries in sniffed[], oldest first */
	struct kt_sniffed sniffed[KT_SNIFF_RING];
	int64_t last_sent_usecs;    /* when the last packet read was sent, -1 */
	struct vwire_net_config net;
	bool net_given;             /* vwire_configure came */
};

/* Internal to the .so: only packetdrill_interface_init and vwire_* are
 * exported. */
#pragma GCC visibility push(hidden)

/* kernel_netns.c */
int kt_netns_create(struct kernel_target *kt, char *err, size_t errlen);
int kt_netns_enter(struct kernel_target *kt);
int kt_write_proc(const char *path, const char *value);

/* kernel_tun.c */
int kt_tun_setup(struct kernel_target *kt, char *err, size_t errlen);

/* kernel_sniff.c: open (after tun0 exists; -1 leaves sniff_fd -1), close,
 * and the kernel's timestamp of a packet just read from tun0 (-1: none). */
int kt_sniff_open(struct kernel_target *kt);
void kt_sniff_close(struct kernel_target *kt);
int64_t kt_sniff_stamp(struct kernel_target *kt, const unsigned char *pkt, size_t len);

/* kernel_fdmap.c */
void kt_fds_init(struct kernel_target *kt);
int kt_fd_live(struct kernel_target *kt, int fd);
int kt_fd_add(struct kernel_target *kt, int live_fd, int lowest);
int kt_fd_release(struct kernel_target *kt, int fd);
int kt_fd_script(struct kernel_target *kt, int live_fd);
void kt_fds_close_all(struct kernel_target *kt);

/* kernel_target.c: the namespace and network, made on first need. */
int kt_ensure_ready(struct kernel_target *kt);
void kt_default_net(struct vwire_net_config *net);

/* kernel_syscalls.c, kernel_netdev.c: fill their parts of the table. */
struct packetdrill_interface;
void kt_fill_syscalls(struct packetdrill_interface *ifc);
void kt_fill_netdev(struct packetdrill_interface *ifc);

/* kernel_netdev.c: true for packets a fresh interface sends on its own
 * (IPv6 ND, MLD, IGMP, multicast): scripts never see them. */
bool kt_is_noise(const unsigned char *pkt, size_t len);

/* kernel_csum.c: fill in the checksums offload left to the device. */
void kt_fill_checksums(unsigned char *pkt, size_t len);

#pragma GCC visibility pop

#endif
