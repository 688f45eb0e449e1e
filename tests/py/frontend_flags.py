"""The corpus's run flags (from RUN-FLAGS.md), shared by the front-end tests."""
import re

V4 = ["--ip_version=ipv4", "--local_ip=192.168.0.1", "--gateway_ip=192.168.0.1",
      "--netmask_ip=255.255.0.0", "--remote_ip=192.0.2.1",
      "-D", "TFO_COOKIE=3021b9d889017eeb", "-D", "CODE=host_unreachable",
      "-D", "CMSG_LEVEL_IP=SOL_IP", "-D", "CMSG_TYPE_RECVERR=IP_RECVERR"]
V6 = ["--ip_version=ipv6", "--mtu=1520", "--local_ip=fd3d:0a0b:17d6::1",
      "--gateway_ip=fd3d:0a0b:17d6:8888::1", "--remote_ip=fd3d:fa7b:d17d::1",
      "-D", "TFO_COOKIE=c1d1e9742a47a9bc", "-D", "CMSG_LEVEL_IP=SOL_IPV6",
      "-D", "CMSG_TYPE_RECVERR=IPV6_RECVERR"]
# The names the flags define and the scripts do not.
DEFINED_BY_FLAGS = ("TFO_COOKIE", "CODE", "CMSG_LEVEL_IP", "CMSG_TYPE_RECVERR")


def corpus_scripts(corpus):
    return sorted(corpus.glob("gtests/**/*.pkt"))


def uses_flag_defines(text):
    """True when the script, comments removed, names a flag-defined word."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.search(r"\b(%s)\b" % "|".join(DEFINED_BY_FLAGS), text) is not None
