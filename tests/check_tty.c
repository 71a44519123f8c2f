/*
 * pierone on a terminal: the built binary runs on a pseudo-terminal, as
 * its controlling terminal, and the test types what a user would.  The
 * prompts for the registry URL and the password, the password's echo,
 * the retries after a wrong password and the colours of the tables.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tests.h"

#define ISSUED		"issued-token-1234"
#define ISSUED_AUTH	"b2F1dGgyOmlzc3VlZC10b2tlbi0xMjM0"	/* oauth2:ISSUED */
#define PASSWORD	"p&ss w%rd=1"
#define WRONG		"wr0ng-pa55"
#define PROMPT		"Password for alice: "
#define URL_PROMPT	"Pier One URL: "
#define HEADER_ON	"\033[30m\033[47m"
#define SERVICE_OK	"GET /access_token?json=true&scope=uid 200"
#define SERVICE_401	"GET /access_token?json=true&scope=uid 401"

/* How long one expectation (a prompt, the exit) may take. */
#define WAIT_MS		10000

extern char **environ;

static struct fake fake;
static char *home;
static char env_home[512], env_url[128], env_token_url[160];

/* Taken over from the test's environment: the programs and sanitizers. */
static const char *const passthrough[] = {
	"PATH", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
};

/* The program on the terminal and everything it showed. */
static struct {
	pid_t pid;		/* -1: none running */
	int master;
	int slave;		/* kept open until the child is reaped */
	char *out;		/* all output so far, NUL-terminated */
	size_t len;
	size_t pos;		/* tty_expect() looks from here on */
	int status;		/* exit status, or 128 + signal */
	bool echo_after;	/* ECHO was on when the child had ended */
	int status_fd;		/* the session leader reports pierone's end */
	int release_fd;		/* closed: the session leader may go */
} tty = { .pid = -1, .master = -1, .slave = -1, .status_fd = -1,
    .release_fd = -1 };

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The last part of the output, printable, for failure messages. */
static const char *
transcript(void)
{
	static char buf[2048];
	size_t start = tty.len > 400 ? tty.len - 400 : 0, n = 0;

	for (size_t i = start; i < tty.len && n < sizeof(buf) - 8; i++) {
		unsigned char c = (unsigned char)tty.out[i];

		if (c == '\n' || (c >= 0x20 && c != 0x7f) || c >= 0x80)
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

static void
tty_close_fds(void)
{
	if (tty.slave != -1)
		close(tty.slave);
	if (tty.master != -1)
		close(tty.master);
	if (tty.status_fd != -1)
		close(tty.status_fd);
	if (tty.release_fd != -1)
		close(tty.release_fd);
	tty.slave = tty.master = tty.status_fd = tty.release_fd = -1;
}

/* Kill and reap the child if it still runs; close everything. */
static void
tty_cleanup(void)
{
	int st;

	if (tty.pid > 0) {
		kill(tty.pid, SIGKILL);
		while (waitpid(tty.pid, &st, 0) == -1 && errno == EINTR)
			;
		tty.pid = -1;
	}
	tty_close_fds();
	free(tty.out);
	tty.out = NULL;
	tty.len = tty.pos = 0;
}

/* Read one chunk from the master, waiting at most `ms`; false: none. */
static bool
tty_read(int ms)
{
	struct pollfd p = { .fd = tty.master, .events = POLLIN };
	char chunk[4096];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return false;
	if ((n = read(tty.master, chunk, sizeof(chunk))) <= 0)
		return false;	/* EIO: no slave open any more */
	tty.out = realloc(tty.out, tty.len + (size_t)n + 1);
	ck_assert_ptr_nonnull(tty.out);
	memcpy(tty.out + tty.len, chunk, (size_t)n);
	tty.len += (size_t)n;
	tty.out[tty.len] = '\0';
	return true;
}

/*
 * Has pierone ended?  Then read what is left and let the session leader
 * go.  The leader outlives pierone on purpose: when a session leader
 * exits, the terminal is hung up, and Linux may throw away output that
 * the master has not read yet.
 */
static bool
tty_reaped(void)
{
	struct pollfd p = { .fd = tty.status_fd, .events = POLLIN };
	struct termios t;
	int st, lst;

	if (tty.pid <= 0)
		return true;
	if (poll(&p, 1, 0) <= 0)
		return false;
	if (read(tty.status_fd, &st, sizeof(st)) != (ssize_t)sizeof(st))
		st = 126 << 8;		/* the leader died: treat as failure */
	tty.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	tty.echo_after = tcgetattr(tty.slave, &t) == 0 &&
	    (t.c_lflag & ECHO) != 0;
	while (tty_read(100))
		;
	close(tty.release_fd);
	tty.release_fd = -1;
	while (waitpid(tty.pid, &lst, 0) == -1 && errno == EINTR)
		;
	tty.pid = -1;
	close(tty.slave);
	tty.slave = -1;
	while (tty_read(100))
		;
	return true;
}

/* The session leader: runs pierone, reports its end, waits to be let go. */
static void
leader(const char *const *argv, const char *const *envp, int fd,
    int status_fd, int release_fd)
{
	static const char msg[] = "check_tty: cannot execute ";
	struct sigaction ign = { .sa_handler = SIG_IGN };
	pid_t pid;
	char c;
	int st;

	if ((pid = fork()) == -1)
		_exit(126);
	if (pid == 0) {
		close(status_fd);
		close(release_fd);
		if (dup2(fd, STDIN_FILENO) == -1 ||
		    dup2(fd, STDOUT_FILENO) == -1 ||
		    dup2(fd, STDERR_FILENO) == -1)
			_exit(126);
		if (fd > STDERR_FILENO)
			close(fd);
		execve(argv[0], (char *const *)argv, (char *const *)envp);
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) > 0 &&
		    write(STDERR_FILENO, argv[0], strlen(argv[0])) > 0)
			(void)write(STDERR_FILENO, "\n", 1);
		_exit(127);
	}
	/* ^C on the terminal is for pierone, not for the leader. */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigaction(SIGTSTP, &ign, NULL);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			_exit(126);
	if (write(status_fd, &st, sizeof(st)) != (ssize_t)sizeof(st))
		_exit(126);
	while (read(release_fd, &c, 1) == -1 && errno == EINTR)
		;
	_exit(0);
}

/*
 * Run $PIERONE_BIN with the arguments (NULL-ended) as the session leader
 * on a new pseudo-terminal.  The environment is made from scratch: HOME,
 * TERM=xterm, the fake registry's URLs, PIERONE_USER=alice, then `env`
 * (NAME=VALUE replaces, NAME alone removes).
 */
static void
tty_start(const char *const *env, ...)
{
	const char *argv[16] = { getenv("PIERONE_BIN") };
	const char *envp[64];
	char name[128];
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE,
	    SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int status_pipe[2], release_pipe[2];
	sigset_t all;
	va_list ap;
	int n = 1, m = 0;
	const char *p;

	ck_assert_msg(argv[0] != NULL, "PIERONE_BIN is not set");
	ck_assert_int_eq(tty.pid, -1);
	va_start(ap, env);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	for (size_t i = 0; i < sizeof(passthrough) / sizeof(*passthrough); i++)
		for (char **e = environ; *e != NULL; e++)
			if (strncmp(*e, passthrough[i],
			    strlen(passthrough[i])) == 0 &&
			    (*e)[strlen(passthrough[i])] == '=')
				envp[m++] = *e;
	envp[m++] = env_home;
	envp[m++] = "TERM=xterm";
	envp[m++] = env_url;
	envp[m++] = env_token_url;
	envp[m++] = "PIERONE_USER=alice";
	for (; env != NULL && *env != NULL && m < 62; env++) {
		size_t len = strcspn(*env, "=");
		int k = 0;

		for (int i = 0; i < m; i++)
			if (strncmp(envp[i], *env, len) != 0 ||
			    envp[i][len] != '=')
				envp[k++] = envp[i];
		m = k;
		if ((*env)[len] == '=')
			envp[m++] = *env;
	}
	envp[m] = NULL;

	tty.master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_msg(tty.master != -1, "posix_openpt: %s", strerror(errno));
	ck_assert_int_ne(fcntl(tty.master, F_SETFD, FD_CLOEXEC), -1);
	ck_assert_int_eq(grantpt(tty.master), 0);
	ck_assert_int_eq(unlockpt(tty.master), 0);
	ck_assert_ptr_nonnull(p = ptsname(tty.master));
	test_fmt(name, sizeof(name), "%s", p);
	ck_assert_int_eq(ioctl(tty.master, TIOCSWINSZ, &ws), 0);
	/* Held by the parent too: output stays readable after the exit. */
	tty.slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_msg(tty.slave != -1, "%s: %s", name, strerror(errno));
	ck_assert_int_eq(pipe2(status_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(release_pipe, O_CLOEXEC), 0);
	sigfillset(&all);
	tty.pid = fork();
	ck_assert_int_ne(tty.pid, -1);
	if (tty.pid == 0) {
		int fd;

		/* Only async-signal-safe calls until execve(). */
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		/* A user's terminal: no signal ignored or blocked. */
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &dfl, NULL);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		close(status_pipe[0]);
		close(release_pipe[1]);
		if (setsid() == -1 || (fd = open(name, O_RDWR)) == -1 ||
		    ioctl(fd, TIOCSCTTY, 0) == -1)
			_exit(126);
		leader(argv, envp, fd, status_pipe[1], release_pipe[0]);
	}
	close(status_pipe[1]);
	close(release_pipe[0]);
	tty.status_fd = status_pipe[0];
	tty.release_fd = release_pipe[1];
}

/* Wait until the terminal shows `text` (after what was matched before). */
static void
tty_expect(const char *text)
{
	long deadline = now_ms() + WAIT_MS;
	const char *hit;

	for (;;) {
		if (tty.out != NULL &&
		    (hit = strstr(tty.out + tty.pos, text)) != NULL) {
			tty.pos = (size_t)(hit - tty.out) + strlen(text);
			return;
		}
		/* Reaping reads the last output: look once more before failing. */
		if (tty_reaped() && (tty.out == NULL ||
		    strstr(tty.out + tty.pos, text) == NULL)) {
			ck_abort_msg("the program ended (status %d) without "
			    "showing \"%s\"; the terminal showed: %s",
			    tty.status, text, transcript());
		}
		if (now_ms() >= deadline)
			ck_abort_msg("no \"%s\" within %d ms; the terminal "
			    "showed: %s", text, WAIT_MS, transcript());
		tty_read(50);
	}
}

/* Type `s` on the terminal's keyboard. */
static void
tty_type(const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0) {
		n = write(tty.master, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		ck_assert_msg(n > 0, "write to the terminal: %s",
		    strerror(errno));
		s += n;
		len -= (size_t)n;
	}
}

/* Has the program ended within `ms`?  Reads its output meanwhile. */
static bool
tty_ended_within(int ms)
{
	long deadline = now_ms() + ms;

	while (!tty_reaped()) {
		if (now_ms() >= deadline)
			return false;
		tty_read(20);
	}
	tty_close_fds();
	return true;
}

/* Wait for the program to end; its status.  Killed after WAIT_MS. */
static int
tty_wait(void)
{
	if (!tty_ended_within(WAIT_MS)) {
		tty_cleanup();
		ck_abort_msg("the program did not end within %d ms",
		    WAIT_MS);
	}
	return tty.status;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static int
count_in_log(const char *what)
{
	char *log = fake_log(&fake);
	int n = count(log, what);

	free(log);
	return n;
}

static const char *
home_path(const char *rel)
{
	static char path[2][1024];
	static int i;

	i = !i;
	test_fmt(path[i], sizeof(path[i]), "%s/%s", home, rel);
	return path[i];
}

/* The docker config holds the issued token for the fake registry. */
static void
assert_logged_in(void)
{
	char *cfg = test_slurp(home_path(".docker/config.json"), NULL);

	ck_assert_msg(cfg != NULL, "no ~/.docker/config.json");
	ck_assert_ptr_nonnull(strstr(cfg, fake.url));
	ck_assert_ptr_nonnull(strstr(cfg, ISSUED_AUTH));
	free(cfg);
}

static void
assert_password_never_shown(void)
{
	ck_assert_msg(strstr(tty.out, PASSWORD) == NULL,
	    "the password is on the terminal: %s", transcript());
	ck_assert_msg(strstr(tty.out, WRONG) == NULL,
	    "the wrong password is on the terminal: %s", transcript());
}

static void
setup(void)
{
	const char *args[] = { "--data", test_data("registry.json"),
	    "--token", ISSUED, "--issue", ISSUED,
	    "--user", "alice:" PASSWORD, NULL };

	fake_start(&fake, args);
	home = test_tmpdir();
	test_fmt(env_home, sizeof(env_home), "HOME=%s", home);
	test_fmt(env_url, sizeof(env_url), "PIERONE_URL=%s", fake.url);
	test_fmt(env_token_url, sizeof(env_token_url),
	    "PIERONE_TOKEN_URL=%s/access_token", fake.url);
}

static void
teardown(void)
{
	tty_cleanup();
	fake_stop(&fake);
	test_assert_no_secrets(home);
	test_rmtree(home);
	free(home);
	home = NULL;
}

START_TEST(password_is_asked_on_the_terminal_and_not_echoed)
{
	tty_start(NULL, "login", NULL);
	tty_expect(PROMPT);
	tty_type(PASSWORD "\n");
	ck_assert_msg(tty_wait() == 0, "login failed: %s", transcript());
	assert_password_never_shown();
	ck_assert_int_eq(count(tty.out, PROMPT), 1);
	ck_assert_ptr_nonnull(strstr(tty.out, ".docker/config.json"));
	ck_assert_msg(tty.echo_after, "echo is still off after the prompt");
	assert_logged_in();
	ck_assert_int_eq(count_in_log(SERVICE_OK), 1);
}
END_TEST

START_TEST(password_from_the_environment_is_not_asked_for)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };

	tty_start(env, "login", NULL);
	ck_assert_msg(tty_wait() == 0, "login failed: %s", transcript());
	ck_assert_ptr_null(strstr(tty.out, "Password"));
	ck_assert_ptr_null(strstr(tty.out, URL_PROMPT));
	assert_password_never_shown();
	assert_logged_in();
}
END_TEST

START_TEST(wrong_password_then_right_one_logs_in)
{
	tty_start(NULL, "login", NULL);
	tty_expect(PROMPT);
	tty_type(WRONG "\n");
	tty_expect("authentication failed");
	tty_expect(PROMPT);
	tty_type(PASSWORD "\n");
	ck_assert_msg(tty_wait() == 0, "login failed: %s", transcript());
	ck_assert_int_eq(count(tty.out, "authentication failed"), 1);
	ck_assert_int_eq(count(tty.out, PROMPT), 2);
	assert_password_never_shown();
	assert_logged_in();
	ck_assert_int_eq(count_in_log(SERVICE_401), 1);
	ck_assert_int_eq(count_in_log(SERVICE_OK), 1);
}
END_TEST

START_TEST(three_wrong_passwords_give_up_without_a_fourth_prompt)
{
	tty_start(NULL, "login", NULL);
	for (int i = 0; i < 3; i++) {
		tty_expect(PROMPT);
		tty_type(WRONG "\n");
		tty_expect("authentication failed");
	}
	ck_assert_int_eq(tty_wait(), 1);
	ck_assert_msg(count(tty.out, PROMPT) == 3, "not three prompts: %s",
	    transcript());
	ck_assert_int_eq(count(tty.out, "authentication failed"), 3);
	assert_password_never_shown();
	ck_assert_int_eq(access(home_path(".docker/config.json"), F_OK), -1);
	ck_assert_int_eq(access(home_path(".dockercfg"), F_OK), -1);
	ck_assert_int_eq(access(home_path(".config/zign/tokens.yaml"), F_OK),
	    -1);
	ck_assert_int_eq(count_in_log(SERVICE_401), 3);
	ck_assert_int_eq(count_in_log(SERVICE_OK), 0);
}
END_TEST

START_TEST(empty_password_is_not_sent_to_the_token_service)
{
	tty_start(NULL, "login", NULL);
	tty_expect(PROMPT);
	tty_type("\n");
	tty_expect("no password given");
	ck_assert_int_eq(tty_wait(), 1);
	ck_assert_int_eq(count_in_log("/access_token"), 0);
	ck_assert_int_eq(access(home_path(".docker/config.json"), F_OK), -1);
}
END_TEST

START_TEST(interrupt_at_the_password_prompt_restores_echo)
{
	tty_start(NULL, "login", NULL);
	tty_expect(PROMPT);
	/*
	 * ^C, VINTR.  One that comes after the prompt but before
	 * readpassphrase() blocks in read() is only noted by its handler
	 * until read() returns, so type it again until the program ends.
	 */
	for (int i = 0; i < WAIT_MS / 250; i++) {
		tty_type("\003");
		if (tty_ended_within(250))
			break;
	}
	ck_assert_int_eq(tty_wait(), 128 + SIGINT);
	ck_assert_msg(tty.echo_after, "echo is still off after ^C");
	ck_assert_int_eq(access(home_path(".docker/config.json"), F_OK), -1);
	ck_assert_int_eq(count_in_log("/access_token"), 0);
}
END_TEST

START_TEST(missing_url_is_asked_for_and_saved)
{
	const char *env[] = { "PIERONE_URL", NULL };
	char answer[96], *yaml;

	tty_start(env, "login", NULL);
	tty_expect(URL_PROMPT);
	test_fmt(answer, sizeof(answer), "%s\n", fake.url);
	tty_type(answer);
	tty_expect(PROMPT);
	tty_type(PASSWORD "\n");
	ck_assert_msg(tty_wait() == 0, "login failed: %s", transcript());
	ck_assert_int_eq(count(tty.out, URL_PROMPT), 1);
	assert_password_never_shown();
	yaml = test_slurp(home_path(".config/pierone/pierone.yaml"), NULL);
	ck_assert_msg(yaml != NULL, "no pierone.yaml");
	ck_assert_msg(strstr(yaml, fake.url) != NULL, "the URL is not in "
	    "pierone.yaml: %s", yaml);
	free(yaml);
	assert_logged_in();
}
END_TEST

START_TEST(empty_answer_to_the_url_prompt_fails)
{
	const char *env[] = { "PIERONE_URL", NULL };

	tty_start(env, "login", NULL);
	tty_expect(URL_PROMPT);
	tty_type("\n");
	ck_assert_int_eq(tty_wait(), 1);
	ck_assert_ptr_nonnull(strstr(tty.out, "no registry URL configured"));
	ck_assert_ptr_null(strstr(tty.out, PROMPT));
	ck_assert_int_eq(access(home_path(".config/pierone/pierone.yaml"),
	    F_OK), -1);
}
END_TEST

START_TEST(table_header_is_coloured_on_a_terminal)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ISSUED, NULL };

	tty_start(env, "teams", NULL);
	ck_assert_msg(tty_wait() == 0, "teams failed: %s", transcript());
	ck_assert_ptr_nonnull(strstr(tty.out, "myteam"));
	ck_assert_msg(strstr(tty.out, HEADER_ON "Name") != NULL,
	    "no coloured header: %s", transcript());
}
END_TEST

START_TEST(layer_download_progress_shows_on_a_terminal_and_is_cleared)
{
	const char *args[] = { "--data", test_data("layers.json"),
	    "--token", ISSUED, NULL };
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ISSUED, env_url,
	    NULL };

	/* a registry with image layers instead of the default one */
	fake_stop(&fake);
	fake_start(&fake, args);
	test_fmt(env_url, sizeof(env_url), "PIERONE_URL=%s", fake.url);
	tty_start(env, "inspect-contents", "-l", "0", "myteam", "img", "1.0",
	    NULL);
	ck_assert_msg(tty_wait() == 0, "inspect failed: %s", transcript());
	ck_assert_msg(strstr(tty.out, "\rlayer 1/") != NULL,
	    "no progress: %s", transcript());
	ck_assert_msg(strstr(tty.out, "./etc/passwd") != NULL,
	    "no listing: %s", transcript());
	/* the progress line is blanked ("\r   \r") before the table starts */
	{
		const char *hdr = strstr(tty.out, HEADER_ON "Idx");

		ck_assert_msg(hdr != NULL && hdr - tty.out >= 2 &&
		    hdr[-1] == '\r' && hdr[-2] == ' ', "not cleared: %s",
		    transcript());
	}
}
END_TEST

START_TEST(no_color_turns_the_colours_off)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ISSUED,
	    "NO_COLOR=1", NULL };

	tty_start(env, "teams", NULL);
	ck_assert_msg(tty_wait() == 0, "teams failed: %s", transcript());
	ck_assert_ptr_nonnull(strstr(tty.out, "myteam"));
	ck_assert_msg(strchr(tty.out, '\033') == NULL, "colours with "
	    "NO_COLOR: %s", transcript());
}
END_TEST

START_TEST(dumb_terminal_gets_no_colours)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ISSUED,
	    "TERM=dumb", NULL };

	tty_start(env, "teams", NULL);
	ck_assert_msg(tty_wait() == 0, "teams failed: %s", transcript());
	ck_assert_ptr_nonnull(strstr(tty.out, "myteam"));
	ck_assert_msg(strchr(tty.out, '\033') == NULL, "colours with "
	    "TERM=dumb: %s", transcript());
}
END_TEST


Suite *
tty_suite(void)
{
	Suite *s = suite_create("tty");
	TCase *tc = tcase_create("tty");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, password_is_asked_on_the_terminal_and_not_echoed);
	tcase_add_test(tc, password_from_the_environment_is_not_asked_for);
	tcase_add_test(tc, wrong_password_then_right_one_logs_in);
	tcase_add_test(tc, three_wrong_passwords_give_up_without_a_fourth_prompt);
	tcase_add_test(tc, empty_password_is_not_sent_to_the_token_service);
	tcase_add_test(tc, interrupt_at_the_password_prompt_restores_echo);
	tcase_add_test(tc, missing_url_is_asked_for_and_saved);
	tcase_add_test(tc, empty_answer_to_the_url_prompt_fails);
	tcase_add_test(tc, table_header_is_coloured_on_a_terminal);
	tcase_add_test(tc, no_color_turns_the_colours_off);
	tcase_add_test(tc,
	    layer_download_progress_shows_on_a_terminal_and_is_cleared);
	tcase_add_test(tc, dumb_terminal_gets_no_colours);
	suite_add_tcase(s, tc);
	return s;
}
