/* The sysctl registry: Linux names, /proc/sys formatting, validation,
 * the stored-only names the corpus writes, and the index listing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "stack_host_test_util.h"

static void check_sysctl(void *u, const char *name, const char *want)
{
	char buf[256];
	assert_int_equal(vwire_sysctl_get(u, name, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_defaults_as_proc_shows_them(void **state)
{
	void *u = ((struct packetdrill_interface *)*state)->userdata;
	check_sysctl(u, "net.ipv4.tcp_rmem", "4096\t131072\t6291456");
	check_sysctl(u, "net.ipv4.tcp_wmem", "4096\t16384\t4194304");
	check_sysctl(u, "net.ipv4.tcp_sack", "1");
	check_sysctl(u, "net.ipv4.tcp_notsent_lowat", "4294967295");
	check_sysctl(u, "net.ipv4.ip_local_port_range", "32768\t60999");
	check_sysctl(u, "net.ipv4.tcp_congestion_control", "cubic");
	check_sysctl(u, "net.core.somaxconn", "4096");
	check_sysctl(u, "net.ipv4.ip_default_ttl", "64");
}

static void test_set_and_validate(void **state)
{
	void *u = ((struct packetdrill_interface *)*state)->userdata;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_rmem", "4096 540000 15728640"), 0);
	check_sysctl(u, "net.ipv4.tcp_rmem", "4096\t540000\t15728640");
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_wmem", "4096\t50000\t4194304\n"), 0);
	check_sysctl(u, "net.ipv4.tcp_wmem", "4096\t50000\t4194304");
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_fastopen", "0x70403"), 0);
	check_sysctl(u, "net.ipv4.tcp_fastopen", "459779");
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_notsent_lowat", "4294967295"), 0);
	check_sysctl(u, "net.ipv4.tcp_notsent_lowat", "4294967295");
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_notsent_lowat", "16384"), 0);
	check_sysctl(u, "net.ipv4.tcp_notsent_lowat", "16384");
	/* Slash and /proc/sys spellings name the same knob. */
	assert_int_equal(vwire_sysctl_set(u, "/proc/sys/net/ipv4/tcp_timestamps", "0"), 0);
	check_sysctl(u, "net.ipv4.tcp_timestamps", "0");

	errno = 0;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_sack", "banana"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.ip_default_ttl", "0"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_rmem", "1 2 3 4"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.ip_local_port_range", "5000 4000"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_congestion_control", "nope"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_congestion_control", "reno"), 0);
	check_sysctl(u, "net.ipv4.tcp_congestion_control", "reno");
	check_sysctl(u, "net.ipv4.ip_default_ttl", "64"); /* refused writes change nothing */
	errno = 0;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_fastopen_cookies", "1"), -1);
	assert_int_equal(errno, ENOENT);
	char buf[4];
	errno = 0;
	assert_int_equal(vwire_sysctl_get(u, "net.ipv4.no_such", buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_stored_only_names(void **state)
{
	void *u = ((struct packetdrill_interface *)*state)->userdata;
	check_sysctl(u, "net.ipv4.tcp_pacing_ss_ratio", "200");
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_fack", "0"), 0);
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_ecn_option", "2"), 0);
	assert_int_equal(vwire_sysctl_set(u, "net/ipv4/tcp_pacing_ss_ratio", "150"), 0);
	check_sysctl(u, "net.ipv4.tcp_pacing_ss_ratio", "150");
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_fastopen_key",
					  "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4"), 0);
	check_sysctl(u, "net.ipv4.tcp_fastopen_key", "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4");
	errno = 0;
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_fastopen_key", "xyz"), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_index_lists_every_name_once(void **state)
{
	void *u = ((struct packetdrill_interface *)*state)->userdata;
	size_t n = 0;
	bool saw_rmem = false, saw_somaxconn = false;
	for (const char *name; (name = vwire_sysctl_name(u, n)) != NULL; n++) {
		char buf[256];
		assert_int_equal(vwire_sysctl_get(u, name, buf, sizeof(buf)), 0);
		/* What get shows, set accepts back unchanged. */
		assert_int_equal(vwire_sysctl_set(u, name, buf), 0);
		for (size_t k = 0; k < n; k++)
			assert_string_not_equal(vwire_sysctl_name(u, k), name);
		saw_rmem |= !strcmp(name, "net.ipv4.tcp_rmem");
		saw_somaxconn |= !strcmp(name, "net.core.somaxconn");
	}
	assert_true(n >= 60);
	assert_true(saw_rmem && saw_somaxconn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_as_proc_shows_them, ht_setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_set_and_validate, ht_setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_stored_only_names, ht_setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_index_lists_every_name_once, ht_setup, ht_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
