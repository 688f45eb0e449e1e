#!/bin/sh
# Shared set-up for vwire's suites: pins the knobs an RFC leaves open so a
# script sees the same stack every run. Every script runs it first with
# `sh ../common/defaults.sh`; a script that needs another value sets it
# after that line. Each knob is named for its Linux sysctl; one sysctl
# process sets them all, because this runs before every script.
#   tcp_early_retrans=0, tcp_frto=0: no tail loss probes and no F-RTO, so
#     the RFC 6298 timer alone decides when an unacknowledged segment goes
#     again;
#   tcp_no_metrics_save=1: nothing learnt from an earlier connection;
#   tcp_invalid_ratelimit=0, tcp_challenge_ack_limit: every unacceptable
#     segment gets its ACK (RFC 9293 3.10.7.4), no rate limit.
exec sysctl -q \
	net.ipv4.tcp_timestamps=1 \
	net.ipv4.tcp_sack=1 \
	net.ipv4.tcp_dsack=1 \
	net.ipv4.tcp_window_scaling=1 \
	net.ipv4.tcp_syncookies=1 \
	net.ipv4.tcp_syn_retries=6 \
	net.ipv4.tcp_synack_retries=5 \
	net.ipv4.tcp_fin_timeout=60 \
	net.ipv4.tcp_rfc1337=0 \
	net.ipv4.tcp_ecn=0 \
	net.ipv4.tcp_early_retrans=0 \
	net.ipv4.tcp_frto=0 \
	net.ipv4.tcp_no_metrics_save=1 \
	net.ipv4.tcp_slow_start_after_idle=0 \
	net.ipv4.tcp_autocorking=0 \
	net.ipv4.tcp_invalid_ratelimit=0 \
	net.ipv4.tcp_challenge_ack_limit=2147483647
