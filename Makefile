# vwire — build, test, run, bench.
#
#   make            build bin/vwire, lib/libvstack.{so,a} and the targets
#   make run        deps + build + run suites/ against the built-in stack, reports
#   make test       deps + build + every test (C unit tests, then pytest)
#   make bench      the figures: parse speed, corpus passes, stack throughput
#   make asan       everything built and tested with AddressSanitizer + UBSan
#   make fuzz       long fuzzing runs (FUZZ_SECONDS=600 by default)
#   make valgrind   bin/vwire under valgrind over suites/ (SAMPLE=N for fewer)
#   make deps       install the Debian packages the project needs (idempotent)

PYTHON   := /usr/bin/python3
CC       ?= cc
BUILD    ?= build
SAN      ?=

WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
OPT      ?= -O2 -g
CFLAGS   ?=
CFLAGS   += $(OPT)
CFLAGS   += -std=c11 -D_GNU_SOURCE -fPIC -pthread $(WARN) -MMD -MP
LDFLAGS  += -pthread
ifeq ($(SAN),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif

HARNESS_INC := -Iharness -I$(BUILD)/gen
STACK_INC   := -Istack/include -Istack -Iharness

# Where the built artefacts go. ASan builds keep their own tree so the two
# never mix; bin/ and lib/ always hold the normal build.
ifeq ($(SAN),1)
BIN := $(BUILD)/bin
LIB := $(BUILD)/lib
else
BIN := bin
LIB := lib
endif

DEB_PACKAGES := flex bison libcmocka-dev libjansson-dev libpcap-dev \
	python3-jinja2 python3-pytest python3-jsonschema python3-yaml tshark \
	clang libclang-rt-14-dev iproute2 procps ethtool liblwip-dev chromium

# ------------------------------------------------------------------ sources
HARNESS_SRCS := $(filter-out harness/main.c,$(wildcard harness/*.c))
HARNESS_OBJS := $(HARNESS_SRCS:%.c=$(BUILD)/%.o)
GEN_OBJS     := $(if $(wildcard harness/parser.y),$(BUILD)/gen/parser.o $(BUILD)/gen/lexer.o)
STACK_SRCS   := $(wildcard stack/*.c)
STACK_OBJS   := $(STACK_SRCS:%.c=$(BUILD)/%.o)
KERNEL_SRCS  := $(wildcard harness/targets/kernel/*.c)
LWIP_SRCS    := $(wildcard harness/targets/lwip/*.c)
UNIT_SRCS    := $(wildcard tests/unit/test_*.c)
UNIT_BINS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FAKE_SRCS    := $(wildcard tests/fake/*.c)
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)

LIBHARNESS := $(BUILD)/libharness.a
LIBS       := -ljansson -lpcap -ldl -lm

TARGETS := $(if $(wildcard harness/main.c),$(BIN)/vwire) \
	$(if $(STACK_SRCS),$(LIB)/libvstack.so $(LIB)/libvstack.a) \
	$(if $(KERNEL_SRCS),$(LIB)/vwire-kernel.so) \
	$(if $(and $(LWIP_SRCS),$(wildcard /usr/include/lwip)),$(LIB)/vwire-lwip.so) \
	$(if $(FAKE_SRCS),$(BUILD)/tests/libfake-target.so) \
	$(UNIT_BINS)

.PHONY: all deps run test bench asan fuzz valgrind clean
all: $(TARGETS)

# ------------------------------------------------------------------- deps
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq >/dev/null && \
	  apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
	  { echo "deps: apt-get install failed (are you root?)"; exit 1; }; \
	fi

# ------------------------------------------------------------------ build
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: harness/parser.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror -d -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h: harness/lexer.l $(BUILD)/gen/parser.h
	@mkdir -p $(BUILD)/gen
	flex -o $(BUILD)/gen/lexer.c --header-file=$(BUILD)/gen/lexer.h $<

# Generated code gets the same warnings, minus the ones flex cannot avoid.
$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) -Wno-unused-function -Wno-sign-compare $(HARNESS_INC) -c $< -o $@

$(HARNESS_OBJS): | $(if $(GEN_OBJS),$(BUILD)/gen/lexer.h)
$(BUILD)/harness/%.o: harness/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HARNESS_INC) -c $< -o $@

$(LIBHARNESS): $(HARNESS_OBJS) $(GEN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/vwire: $(BUILD)/harness/main.o $(LIBHARNESS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/stack/%.o: stack/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(STACK_INC) -c $< -o $@

$(LIB)/libvstack.so: $(STACK_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -o $@ $^ -lm

$(LIB)/libvstack.a: $(STACK_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/harness/targets/kernel/%.o: harness/targets/kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HARNESS_INC) -c $< -o $@

$(LIB)/vwire-kernel.so: $(KERNEL_SRCS:%.c=$(BUILD)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -o $@ $^

$(BUILD)/harness/targets/lwip/%.o: harness/targets/lwip/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HARNESS_INC) -I/usr/include/lwip -c $< -o $@

$(LIB)/vwire-lwip.so: $(LWIP_SRCS:%.c=$(BUILD)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -o $@ $^ -llwip

# ------------------------------------------------------------------ tests
$(BUILD)/tests/fake/%.o: tests/fake/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HARNESS_INC) -c $< -o $@

$(BUILD)/tests/libfake-target.so: $(FAKE_SRCS:tests/fake/%.c=$(BUILD)/tests/fake/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -o $@ $^

$(BUILD)/tests/unit/%.o: tests/unit/%.c | $(if $(GEN_OBJS),$(BUILD)/gen/lexer.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HARNESS_INC) $(STACK_INC) -c $< -o $@

# Each unit test links the harness and the stack as static libraries: the
# linker takes only the objects a test uses.
$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(if $(HARNESS_OBJS)$(GEN_OBJS),$(LIBHARNESS)) $(if $(STACK_SRCS),$(LIB)/libvstack.a)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

test: deps all
	@BUILD=$(BUILD) BIN=$(BIN) LIB=$(LIB) SAN=$(SAN) PYTHON=$(PYTHON) sh tests/run-tests.sh

asan:
	$(MAKE) SAN=1 BUILD=build/asan OPT="-O1 -g" test

# ------------------------------------------------------------------ fuzz
FUZZ_SECONDS ?= 600
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(HARNESS_SRCS) $(STACK_SRCS) $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -pthread -fsanitize=fuzzer,address,undefined \
	  $(HARNESS_INC) $(STACK_INC) -Wno-unused-function -o $@ $< \
	  $(HARNESS_SRCS) $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c $(STACK_SRCS) $(LIBS)

fuzz: deps $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	  echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	  mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus-$$(basename $$f) tests/fuzz/seeds/$$(basename $$f) || exit 1; \
	done

# ------------------------------------------------------------------ valgrind
# bin/vwire under memcheck over suites/ (SAMPLE=N: the first N scripts).
valgrind: deps all
	@SAMPLE=$(SAMPLE) sh tests/hostile/valgrind-suites.sh

# ------------------------------------------------------------------ run / bench
run: deps all
	$(PYTHON) bin/vwire-suite run suites --report reports/out

bench: deps all
	@BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/bench/run-bench.sh

clean:
	rm -rf build bin/vwire lib reports/out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
