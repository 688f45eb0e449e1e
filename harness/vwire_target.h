/* Optional target extensions, beyond packetdrill's interface.
 *
 * A target may export any of these symbols; vwire finds them with dlsym()
 * and does without the ones that are absent. Each takes the userdata of
 * the target's packetdrill_interface.
 */
#ifndef VWIRE_TARGET_H
#define VWIRE_TARGET_H

#include <stddef.h>
#include <stdint.h>

enum vwire_ip_mode {
	VWIRE_IPV4 = 4,
	VWIRE_IPV6 = 6,
	VWIRE_IPV4_MAPPED_IPV6 = 46, /* AF_INET6 sockets, IPv4 on the wire */
};

/* The script's network, as given by the command line and script options. */
struct vwire_net_config {
	enum vwire_ip_mode ip_mode;
	char local_ip[64];   /* the target's address (textual) */
	char remote_ip[64];  /* the script's remote host      */
	char gateway_ip[64];
	char netmask_ip[64];
	int mtu;             /* of the target's interface */
	uint64_t seed;       /* for ISNs and anything random: runs repeat */
};

/* Called once after packetdrill_interface_init(), before any event. */
typedef int (*vwire_configure_fn)(void *userdata,
				  const struct vwire_net_config *cfg);
#define VWIRE_CONFIGURE_SYM "vwire_configure"

/* Sysctls by their Linux names ("net.ipv4.tcp_sack"). set: 0, or -1 with
 * errno ENOENT (unknown name) or EINVAL (bad value). get: writes the value
 * as /proc/sys would show it (fields separated by tabs) and returns 0.
 * name: the index-th sysctl the target knows, NULL past the last. */
typedef int (*vwire_sysctl_set_fn)(void *userdata, const char *name,
				   const char *value);
typedef int (*vwire_sysctl_get_fn)(void *userdata, const char *name,
				   char *buf, size_t len);
typedef const char *(*vwire_sysctl_name_fn)(void *userdata, size_t index);
#define VWIRE_SYSCTL_SET_SYM "vwire_sysctl_set"
#define VWIRE_SYSCTL_GET_SYM "vwire_sysctl_get"
#define VWIRE_SYSCTL_NAME_SYM "vwire_sysctl_name"

/* TCP states, numbered as Linux numbers them (tcpi_state). */
enum vwire_tcp_state {
	VWIRE_TCP_ESTABLISHED = 1, VWIRE_TCP_SYN_SENT, VWIRE_TCP_SYN_RECV,
	VWIRE_TCP_FIN_WAIT1, VWIRE_TCP_FIN_WAIT2, VWIRE_TCP_TIME_WAIT,
	VWIRE_TCP_CLOSE, VWIRE_TCP_CLOSE_WAIT, VWIRE_TCP_LAST_ACK,
	VWIRE_TCP_LISTEN, VWIRE_TCP_CLOSING,
};

struct vwire_conn {
	int fd;                 /* descriptor, or -1 (orphaned, TIME-WAIT, embryonic) */
	int family;             /* AF_INET or AF_INET6 (of the addresses below) */
	uint8_t local_addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t remote_addr[16];
	uint16_t local_port;    /* host order */
	uint16_t remote_port;
	int state;              /* enum vwire_tcp_state */
};

/* Fills up to max entries and returns how many connections exist
 * (listeners, embryonic, established, closing and TIME-WAIT ones). */
typedef int (*vwire_connections_fn)(void *userdata, struct vwire_conn *out,
				    int max);
#define VWIRE_CONNECTIONS_SYM "vwire_connections"

/* Called on every state change, with the target's clock in microseconds.
 * It runs inside the target with its locks held: it must not call back
 * into the target. hook NULL unregisters. */
typedef void (*vwire_state_hook_t)(void *ctx, const struct vwire_conn *conn,
				   int old_state, int new_state,
				   int64_t usecs);
typedef void (*vwire_set_state_hook_fn)(void *userdata,
					vwire_state_hook_t hook, void *ctx);
#define VWIRE_SET_STATE_HOOK_SYM "vwire_set_state_hook"

/* How many threads are asleep inside a blocking call of the target right
 * now. A thread woken up stops counting at once, before it runs, so a
 * harness that waits for "returned, or asleep again" never races it. */
typedef int (*vwire_blocked_calls_fn)(void *userdata);
#define VWIRE_BLOCKED_CALLS_SYM "vwire_blocked_calls"

/* The target clock's next timer deadline, in microseconds on the clock that
 * gettimeofday() reads, or -1 when no timer is armed. A virtual-time
 * target exports it so the harness can step time to the exact moment the
 * target will act (and so stamp each outbound packet exactly), instead of
 * polling in small steps. */
typedef int64_t (*vwire_next_timer_fn)(void *userdata);
#define VWIRE_NEXT_TIMER_SYM "vwire_next_timer"

/* The queueing discipline on the target's device, as a `command` left it
 * (`tc qdisc ... dev tun0 root pfifo limit N`): kind is its name ("pfifo",
 * "fq", ...; "" for the device's default), limit how many packets it may
 * hold waiting for the device, -1 when it sets no limit of its own (not a
 * fifo), 0 for a fifo that refuses every packet, which a host's TCP sees
 * as local congestion. Returns 0, or -1 with errno. */
typedef int (*vwire_set_qdisc_fn)(void *userdata, const char *kind, long limit);
#define VWIRE_SET_QDISC_SYM "vwire_set_qdisc"

/* A command flushed the host's TCP metrics (`ip tcp_metrics flush`): the
 * target forgets what it keeps per destination (Fast Open cookies, MSS,
 * SYN losses), as Linux's flush of its tcp_metrics does. */
typedef void (*vwire_tcp_metrics_flush_fn)(void *userdata);
#define VWIRE_TCP_METRICS_FLUSH_SYM "vwire_tcp_metrics_flush"

/* The index-th of the target's MIB counters, named as Linux's
 * /proc/net/netstat names them (group "TcpExt", name "OutOfWindowIcmps"):
 * 0, or -1 past the last. vwire shows them to a command's nstat. */
typedef int (*vwire_mib_fn)(void *userdata, size_t index, const char **group,
			    const char **name, uint64_t *value);
#define VWIRE_MIB_SYM "vwire_mib"

/* When the target sent the packet netdev_receive returned last, on its
 * gettimeofday clock in microseconds; -1 when it does not know. A real-time
 * target offers it so a packet is stamped when the stack sent it (as
 * packetdrill's sniffer stamps it), not when vwire got round to reading it. */
typedef int64_t (*vwire_sent_time_fn)(void *userdata);
#define VWIRE_SENT_TIME_SYM "vwire_sent_time"

#endif
