/* Checksums against values computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checksum.h"

/* The RFC 1071 section 3 example: words 0001 f203 f4f5 f6f7 sum to
 * 0x2ddf0, folded 0xddf2, complemented 0x220d. */
static void test_rfc1071_example(void **state)
{
	const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	assert_int_equal(csum_add(0, b, sizeof(b)), 0x2ddf0);
	assert_int_equal(csum_fold(0x2ddf0), 0x220d);
	assert_int_equal(csum_buffer(b, sizeof(b)), 0x220d);
}

/* Odd length: the last byte is the high byte of a zero-padded word. */
static void test_odd_length(void **state)
{
	const uint8_t b[] = { 0x12, 0x34, 0x56 };

	/* 0x1234 + 0x5600 = 0x6834 -> ~ = 0x97cb */
	assert_int_equal(csum_buffer(b, sizeof(b)), 0x97cb);
}

/* A real IPv4 header (the classic example, checksum 0xb861). */
static void test_ipv4_header(void **state)
{
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			  0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
			  0xc0, 0xa8, 0x00, 0xc7 };

	assert_int_equal(csum_buffer(h, 20), 0xb861);
	h[10] = 0xb8;
	h[11] = 0x61;
	assert_int_equal(csum_buffer(h, 20), 0); /* a valid header sums to 0 */
}

/* UDP over IPv4: pseudo-header 192.0.2.1 -> 192.168.0.1, proto 17,
 * length 8, ports 1->2, length 8, no data. Words: c000 0201 c0a8 0001
 * 0011 0008 | 0001 0002 0008 0000 = 0x182ce -> 0x82cf -> ~ 0x7d30. */
static void test_udp_v4_pseudo(void **state)
{
	const uint8_t src[4] = { 192, 0, 2, 1 }, dst[4] = { 192, 168, 0, 1 };
	const uint8_t udp[8] = { 0, 1, 0, 2, 0, 8, 0, 0 };

	assert_int_equal(csum_l4_v4(src, dst, 17, udp, 8), 0x7d30);
}

/* IPv6 pseudo-header: ::1 -> ::2, upper length 8, next header 17, the
 * same UDP header. Words: 0001 + 0002 + 0008 + 0011 + 0001 0002 0008 =
 * 0x27 -> ~ 0xffd8. */
static void test_udp_v6_pseudo(void **state)
{
	uint8_t src[16] = { 0 }, dst[16] = { 0 };
	const uint8_t udp[8] = { 0, 1, 0, 2, 0, 8, 0, 0 };

	src[15] = 1;
	dst[15] = 2;
	assert_int_equal(csum_l4_v6(src, dst, 17, udp, 8), 0xffd8);
}

/* Adding in pieces at even boundaries gives the same sum. */
static void test_incremental(void **state)
{
	uint8_t b[64];
	size_t i;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 37 + 11);
	assert_int_equal(csum_fold(csum_add(csum_add(0, b, 20), b + 20, 44)),
			 csum_buffer(b, sizeof(b)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_odd_length),
		cmocka_unit_test(test_ipv4_header),
		cmocka_unit_test(test_udp_v4_pseudo),
		cmocka_unit_test(test_udp_v6_pseudo),
		cmocka_unit_test(test_incremental),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
