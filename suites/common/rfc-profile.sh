#!/bin/sh
# For the scripts that check an RFC requirement Linux's defaults depart
# from on purpose (their `// linux:` header quotes the RFC text): asks the
# stack under test for its RFC profile, where it has one. vwire's built-in
# stack has net.vwire.rfc_profile (stack/host.h lists what it changes:
# RFC 5681 initial window, zero-window probes with data, SYN backoff and
# R2, dropping segments without a timestamp). Linux has no such sysctl:
# -e skips an unknown key, so Linux runs its defaults and fails on purpose.
# Run after ../common/defaults.sh.
exec sysctl -q -e net.vwire.rfc_profile=1
