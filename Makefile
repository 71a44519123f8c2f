# pierone: libpierone (shared and static), the pierone command, its tests
# and the demo.  Plain make, GNU conventions: CPPFLAGS, CFLAGS, LDFLAGS and
# LDLIBS are the user's (a distribution's dpkg-buildflags, say) and are
# added to, never replaced.

PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCDIR     ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
CC         ?= cc
AR         ?= ar
OBJCOPY    ?= objcopy
CFLAGS     ?= -O2 -g
# Output directory; 'make O=build/asan ...' keeps a second build apart.
O          ?= .

PKGS       = libcurl libcjson yaml-0.1 libbsd-overlay libmd libarchive
TEST_PKGS  = check libmicrohttpd
WARN       = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wvla -Wno-format-nonliteral
# '=' not ':=': evaluated when used, after install-deps may have run.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) libcjson)
TEST_LIBS  = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) libcjson)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Ilib $(PKG_CFLAGS) -MMD -MP \
             $(CPPFLAGS) $(CFLAGS)

LIB_SRC    = $(wildcard lib/*.c)
CLI_SRC    = $(filter-out cli/docker_credential.c,$(wildcard cli/*.c))
FAKE_SRC   = $(wildcard tests/fake_*.c)
TEST_SRC   = $(filter-out $(FAKE_SRC),$(wildcard tests/*.c))
LIB_OBJ    = $(LIB_SRC:%.c=$(O)/%.o)
CLI_OBJ    = $(CLI_SRC:%.c=$(O)/%.o)
TEST_OBJ   = $(TEST_SRC:%.c=$(O)/%.o) $(O)/cli/output.o
FAKE_OBJ   = $(FAKE_SRC:%.c=$(O)/%.o)
MANPAGES   = man/pierone.1 man/pierone.yaml.5 man/docker-credential-pierone.1 \
             man/libpierone.3
VERSION    = $(shell sed -n 's/^.define PIERONE_VERSION "\(.*\)"/\1/p' lib/pierone.h)

# The shared library's ABI number: what bumps it is in libpierone(3).
SOVERSION  = 0
LIBA       = $(O)/libpierone.a
LIBSO      = $(O)/libpierone.so.$(SOVERSION)
LIBALL     = $(O)/lib/libpierone-all.o
PC         = $(O)/libpierone.pc
BIN        = $(O)/pierone
HELPER     = $(O)/docker-credential-pierone
FAKE       = $(O)/tests/fake-registry
CHECK      = $(O)/tests/check_pierone

SAN_FLAGS  = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer -Werror

.PHONY: all deps check test check-asan check-valgrind check-install demo \
        bench install uninstall clean lint-man fuzz FORCE

all: $(LIBA) $(LIBSO) $(BIN) $(HELPER) $(PC)

deps:
	@sh tests/install-deps

$(O)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(O)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

# The static archive holds one object in which only the public API,
# pierone_*, is global: a program linking it may have its own
# base64_encode or curl_error.  (The tests link the objects themselves.)
$(LIBALL): $(LIB_OBJ)
	$(CC) -nostdlib -r -o $@.tmp $(LIB_OBJ)
	$(OBJCOPY) --wildcard --keep-global-symbol='pierone_*' $@.tmp $@
	rm -f $@.tmp

$(LIBA): $(LIBALL)
	rm -f $@
	$(AR) rcs $@ $(LIBALL)

# The shared library exports the same, versioned (lib/libpierone.map).
$(LIBSO): $(LIB_OBJ) lib/libpierone.map
	$(CC) -shared -Wl,-soname,libpierone.so.$(SOVERSION) \
	    -Wl,--version-script=lib/libpierone.map $(CFLAGS) $(LDFLAGS) \
	    -o $@ $(LIB_OBJ) $(PKG_LIBS) $(LDLIBS)

# Made on every run, replaced only when PREFIX, LIBDIR, INCDIR or the
# version changed: 'make install PREFIX=/opt' after 'make' gets it right.
$(PC): lib/libpierone.pc.in FORCE
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCDIR@|$(INCDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    lib/libpierone.pc.in > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; \
	else mv -f $@.tmp $@ && echo "generated $@"; fi

FORCE:

# In the tree the commands link the static archive (so the tests need no
# LD_LIBRARY_PATH); what 'make install' installs links the shared library.
$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(PKG_LIBS) $(LDLIBS)

$(HELPER): $(O)/cli/docker_credential.o $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(O)/cli/docker_credential.o $(LIBA) \
	    $(PKG_LIBS) $(LDLIBS)

$(O)/shared/pierone: $(CLI_OBJ) $(LIBSO)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBSO) $(PKG_LIBS) $(LDLIBS)

$(O)/shared/docker-credential-pierone: $(O)/cli/docker_credential.o $(LIBSO)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(O)/cli/docker_credential.o $(LIBSO) \
	    $(PKG_LIBS) $(LDLIBS)

$(FAKE): $(FAKE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(FAKE_OBJ) $(TEST_LIBS) -lpthread

$(CHECK): $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJ) $(LIB_OBJ) $(PKG_LIBS) \
	    $(TEST_LIBS) -lpthread $(LDLIBS)

# The README's commands: each first installs what is missing.
check: deps
	@$(MAKE) --no-print-directory test

demo: deps
	@$(MAKE) --no-print-directory $(BIN) $(FAKE)
	@sh tests/demo.sh $(BIN) $(FAKE) tests/data/demo.json

test: $(BIN) $(HELPER) $(FAKE) $(CHECK) $(O)/tests/bench/delayproxy
	PIERONE_BIN=$(BIN) HELPER_BIN=$(HELPER) FAKE_REGISTRY=$(FAKE) \
	    DELAYPROXY=$(O)/tests/bench/delayproxy TEST_DATA=tests/data $(CHECK)
	@$(MAKE) --no-print-directory lint-man

# The same suite built with AddressSanitizer and UBSan, warnings as errors.
check-asan: deps
	@$(MAKE) --no-print-directory O=build/asan CFLAGS="$(SAN_FLAGS)" \
	    LDFLAGS="-fsanitize=address,undefined" test

# The suite built with clang as well, warnings as errors.
.PHONY: check-clang
check-clang: deps
	@sh tests/install-deps clang
	@$(MAKE) --no-print-directory O=build/clang CC=clang \
	    CFLAGS="-O2 -g -Werror" test

# Measured figures against baselines from the same run; see README.
bench: deps
	@$(MAKE) --no-print-directory O=build/bench CFLAGS="-O2" \
	    build/bench/pierone build/bench/tests/fake-registry \
	    build/bench/tests/bench/delayproxy
	@sh tests/bench.sh build/bench/pierone build/bench/tests/fake-registry \
	    build/bench/tests/bench/delayproxy
	@sh tests/bench-ramp.sh build/bench/pierone build/bench/tests/fake-registry

# The relay that adds a round-trip time to loopback (no sch_netem here).
$(O)/tests/bench/delayproxy: tests/bench/delayproxy.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
	    -o $@ tests/bench/delayproxy.c $(LDLIBS)

# The Check suites in one process under valgrind: no leak, no error.
check-valgrind: deps
	@command -v valgrind >/dev/null 2>&1 || { echo "check-valgrind: \
	    installing valgrind" >&2; sh tests/install-deps valgrind; }
	@$(MAKE) --no-print-directory O=build/valgrind CFLAGS="-O1 -g" \
	    $(BIN:$(O)/%=build/valgrind/%) $(HELPER:$(O)/%=build/valgrind/%) \
	    $(FAKE:$(O)/%=build/valgrind/%) $(CHECK:$(O)/%=build/valgrind/%) \
	    build/valgrind/tests/bench/delayproxy
	CK_FORK=no PIERONE_BIN=build/valgrind/pierone \
	    DELAYPROXY=build/valgrind/tests/bench/delayproxy \
	    HELPER_BIN=build/valgrind/docker-credential-pierone \
	    FAKE_REGISTRY=build/valgrind/tests/fake-registry TEST_DATA=tests/data \
	    valgrind --quiet --error-exitcode=99 --leak-check=full \
	    --child-silent-after-fork=yes \
	    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
	    --track-fds=no build/valgrind/tests/check_pierone

# libFuzzer targets (clang), each for FUZZ_SECONDS; see tests/fuzz/README.
FUZZ_SECONDS ?= 60

fuzz: deps
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# Install into a temporary DESTDIR, check and use what was installed,
# uninstall; see tests/install.sh.
check-install: deps
	@sh tests/install-deps zsh
	@MAKE='$(MAKE)' sh tests/install.sh $(O)

# pierone login, skopeo and the listing commands against the real registry
# (Debian's docker-registry on 127.0.0.1), and over TLS through nginx
# (HTTP/2, TLS session reuse); see tests/integration.sh.
.PHONY: check-integration
check-integration: deps
	@$(MAKE) --no-print-directory $(BIN) $(FAKE) $(O)/tests/bench/delayproxy
	@sh tests/integration.sh $(BIN) $(FAKE) $(O)/tests/bench/delayproxy

# Debian packages built, linted, installed, used and removed; see
# tests/deb.sh.  Needs root or sudo.
.PHONY: check-deb
check-deb: deps
	@sh tests/install-deps dpkg-buildpackage:dpkg-dev dh:debhelper \
	    lintian:lintian hardening-check:devscripts
	@$(MAKE) --no-print-directory $(FAKE)
	@sh tests/deb.sh $(FAKE)

# pierone-VERSION.tar.gz from git: the committed tree, no build output.
# The version is PIERONE_VERSION in lib/pierone.h, and nowhere else but
# debian/changelog and NEWS, which say what each version changed.
.PHONY: dist
dist:
	@case "$$(sed -n '1s/^pierone (\(.*\)).*/\1/p' debian/changelog)" in \
	$(VERSION)) ;; *) echo "dist: debian/changelog is not at $(VERSION)" >&2; \
	    exit 1;; esac
	@grep -q '^pierone $(VERSION)' NEWS || { echo "dist: NEWS says" \
	    "nothing of $(VERSION)" >&2; exit 1; }
	git archive --format=tar.gz --prefix=pierone-$(VERSION)/ \
	    -o pierone-$(VERSION).tar.gz HEAD
	@echo "made pierone-$(VERSION).tar.gz"

lint-man:
	@if command -v mandoc >/dev/null 2>&1; then \
	    mandoc -Tlint -W warning $(MANPAGES) && echo "man pages: mandoc -Tlint clean"; \
	else echo "lint-man: mandoc not installed, man pages not linted" >&2; fi

install: $(LIBA) $(LIBSO) $(O)/shared/pierone \
    $(O)/shared/docker-credential-pierone $(PC)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(O)/shared/pierone $(DESTDIR)$(BINDIR)/pierone
	install -m 755 $(O)/shared/docker-credential-pierone \
	    $(DESTDIR)$(BINDIR)/docker-credential-pierone
	install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/libpierone.a
	install -m 644 $(LIBSO) \
	    $(DESTDIR)$(LIBDIR)/libpierone.so.$(SOVERSION)
	ln -sf libpierone.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libpierone.so
	install -m 644 $(PC) $(DESTDIR)$(LIBDIR)/pkgconfig/libpierone.pc
	install -m 644 lib/pierone.h $(DESTDIR)$(INCDIR)/pierone.h
	install -m 644 man/pierone.1 $(DESTDIR)$(MANDIR)/man1/pierone.1
	install -m 644 man/docker-credential-pierone.1 \
	    $(DESTDIR)$(MANDIR)/man1/docker-credential-pierone.1
	install -m 644 man/libpierone.3 $(DESTDIR)$(MANDIR)/man3/libpierone.3
	install -m 644 man/pierone.yaml.5 $(DESTDIR)$(MANDIR)/man5/pierone.yaml.5
	install -m 644 cli/completion.bash $(DESTDIR)$(BASHCOMPDIR)/pierone
	install -m 644 cli/completion.zsh $(DESTDIR)$(ZSHCOMPDIR)/_pierone

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pierone $(DESTDIR)$(LIBDIR)/libpierone.a \
	    $(DESTDIR)$(LIBDIR)/libpierone.so.$(SOVERSION) \
	    $(DESTDIR)$(LIBDIR)/libpierone.so \
	    $(DESTDIR)$(BINDIR)/docker-credential-pierone \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/libpierone.pc \
	    $(DESTDIR)$(INCDIR)/pierone.h $(DESTDIR)$(MANDIR)/man1/pierone.1 \
	    $(DESTDIR)$(MANDIR)/man1/docker-credential-pierone.1 \
	    $(DESTDIR)$(MANDIR)/man3/libpierone.3 \
	    $(DESTDIR)$(MANDIR)/man5/pierone.yaml.5 \
	    $(DESTDIR)$(BASHCOMPDIR)/pierone $(DESTDIR)$(ZSHCOMPDIR)/_pierone

clean:
	rm -f lib/*.o lib/*.d cli/*.o cli/*.d tests/*.o tests/*.d \
	    libpierone.a libpierone.so.* libpierone.pc pierone \
	    docker-credential-pierone $(FAKE) $(CHECK) tests/bench/delayproxy
	rm -rf build shared

-include $(wildcard $(O)/lib/*.d $(O)/cli/*.d $(O)/tests/*.d)
