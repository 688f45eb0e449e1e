/* A shortcut for the commands that dominate a corpus run: a shell script
 * (such as the corpus's defaults.sh) made of `sysctl -q key=value` lines
 * and plain command lines. Its sysctl writes are done in this process,
 * byte for byte as procps sysctl does them, instead of one exec each; every
 * other line still runs through /bin/sh, in order. */
#ifndef VWIRE_COMMAND_FAST_H
#define VWIRE_COMMAND_FAST_H

/* For the command's child process, after its namespaces are set up and it
 * is in the script's folder. Returns the exit status the script would have
 * given, or -1 when the command is not such a script (nothing was run: the
 * caller execs /bin/sh as usual). VWIRE_COMMAND_FAST=0 turns it off. */
int command_fast_run(const char *cmd);

#endif
