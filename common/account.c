/* SPDX-License-Identifier: GPL-3.0-or-later */
/* account.c: the config file, and where the password comes from. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "xt.h"

#define PW_MAX		4096	/* longest password line, with its end */
#define INI_LINE_MAX	8192	/* longest config line */
#define TIMEOUT_DEFAULT	30.0

static char *config_path;	/* the file read or looked for */
static char *config_password;	/* `password` of the config file */
static char *env_password;	/* XMPP_PASSWORD, out of the environment */

/* ---- small helpers ---- */

static void
forget(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_dir;
	return "/";
}

/* $XDG_CONFIG_HOME/rel, or ~/.config/rel (XDG Base Directory spec: a
 * relative XDG_CONFIG_HOME is ignored). malloc'd. */
static char *
config_home_path(const char *rel)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	char *p;

	if (x != NULL && x[0] == '/') {
		if (asprintf(&p, "%s/%s", x, rel) < 0)
			xt_die(XT_SOFTWARE, "out of memory");
	} else if (asprintf(&p, "%s/.config/%s", home_dir(), rel) < 0) {
		xt_die(XT_SOFTWARE, "out of memory");
	}
	return p;
}

/* "~/x" as $HOME/x; anything else as it is. malloc'd. */
static char *
expand_home(const char *s)
{
	char *p;

	if (s[0] != '~' || s[1] != '/')
		return xt_strdup(s);
	if (asprintf(&p, "%s%s", home_dir(), s + 1) < 0)
		xt_die(XT_SOFTWARE, "out of memory");
	return p;
}

/* 1 if two JIDs have the same bare JID; case is ignored as nodeprep and
 * nameprep would mostly ignore it. */
static int
same_account(const char *a, const char *b)
{
	size_t la = strcspn(a, "/"), lb = strcspn(b, "/");

	return la == lb && strncasecmp(a, b, la) == 0;
}

/* The tool's timeout, also when xt_opts_finish() has not run. */
static double
timeout_of(const struct xt_opts *o)
{
	return o->timeout_s > 0 ? o->timeout_s : TIMEOUT_DEFAULT;
}

/* A file that holds a password must be ours and closed to everyone
 * else, as ssh and msmtp demand. FIFOs and terminals are left alone. */
static void
check_private(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return;
	if (st->st_uid != geteuid())
		xt_die(XT_CONFIG, "%s: holds a password but belongs to another "
		    "user (uid %u); it must be yours and mode 600", path,
		    (unsigned)st->st_uid);
	if (st->st_mode & 077)
		xt_die(XT_CONFIG, "%s: holds a password but is %s by others; "
		    "run: chmod 600 %s", path, st->st_mode & 044 ?
		    "readable" : "accessible", path);
}

/* ---- reading a password line ---- */

/* Read the first line of fd, without its line end; "" if there is none.
 * One byte at a time, so nothing after the line is consumed: the fd may
 * be the tool's standard input. deadline 0: none (a person typing).
 * malloc'd; exits on errors, with 75 when the deadline passes. */
static char *
read_line(int fd, double deadline, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *buf = malloc(PW_MAX), c;
	size_t n = 0;
	double left;
	ssize_t r;

	if (buf == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (;;) {
		if (deadline > 0) {
			if ((left = deadline - xt_now()) <= 0)
				xt_die(XT_TEMPFAIL, "no password from %s "
				    "within the timeout", what);
			if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0 &&
			    errno != EINTR)
				xt_die(XT_CONFIG, "cannot read %s: %s", what,
				    xt_strerror(errno));
			if (pfd.revents == 0)
				continue;
		}
		r = read(fd, &c, 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			xt_die(XT_CONFIG, "cannot read %s: %s", what,
			    xt_strerror(errno));
		if (r == 0 || c == '\n')
			break;
		if (n == PW_MAX - 1) {
			explicit_bzero(buf, n);
			xt_die(XT_CONFIG, "%s: the password is longer than %d "
			    "bytes", what, PW_MAX - 1);
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return buf;
}

static char *
password_from_fd(int fd, double timeout, const char *what)
{
	char *pw = read_line(fd, xt_now() + timeout, what);

	/* Do not leave it open for the processes we might start. */
	if (fd > STDERR_FILENO)
		close(fd);
	return pw;
}

static char *
password_from_file(const char *path, double timeout, const char *what,
    int private)
{
	struct stat st;
	char *pw;
	int fd;

	/* Not blocking in open(): a FIFO with no writer is waited for in
	 * read_line(), within the timeout. */
	if ((fd = xt_file_open(path, &st)) < 0)
		xt_die(XT_CONFIG, "cannot read %s: %s", what, xt_strerror(errno));
	if (private)
		check_private(path, &st);
	pw = read_line(fd, xt_now() + timeout, what);
	close(fd);
	return pw;
}

char *
xt_account_secret_file(const char *path, const char *what)
{
	return password_from_file(path, timeout_of(&xt_opt), what, 0);
}

/* The controlling terminal when the tool is in its foreground process
 * group, else -1: the command, in a group of its own, then gets the
 * terminal while it runs, so that it may still ask there. */
static int
tty_foreground(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0 && tcgetpgrp(fd) != getpgrp()) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Make pgrp the terminal's foreground group; from the background that
 * must not stop us (SIGTTOU, blocked meanwhile). */
static void
tty_give(int fd, pid_t pgrp)
{
	sigset_t ttou, old;

	if (fd < 0)
		return;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(fd, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* End the command and everything it started (its process group):
 * SIGTERM, then SIGKILL once the shell is gone or 0.5 s later. The
 * shell is reaped last, so that its group id is not reused meanwhile. */
static void
kill_command(pid_t pid)
{
	double until = xt_now() + 0.5;
	siginfo_t si;

	kill(-pid, SIGTERM);
	do {
		si.si_pid = 0;
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
		    si.si_pid == pid)
			break;
		poll(NULL, 0, 10);
	} while (xt_now() < until);
	kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Run cmd with /bin/sh and take the first line it prints. Its standard
 * input and error are the tool's, so it can ask on the terminal (gpg,
 * pass). It is done when the shell exits, even if something it started
 * keeps the pipe open; it must finish within the timeout, or it is
 * killed with all it started. */
static char *
password_from_command(const char *cmd, double timeout, const char *what)
{
	struct pollfd pfd;
	char *buf, tmp[512];
	double deadline = xt_now() + timeout;
	int p[2], status, eof = 0, line = 0, tty;
	size_t n = 0;
	ssize_t r, i;
	pid_t pid;

	if ((buf = malloc(PW_MAX)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (pipe2(p, O_CLOEXEC) != 0)
		xt_die(XT_SOFTWARE, "cannot create a pipe: %s",
		    xt_strerror(errno));
	fflush(stdout);
	fflush(stderr);
	tty = tty_foreground();
	if ((pid = fork()) < 0)
		xt_die(XT_SOFTWARE, "cannot run %s: %s", what,
		    xt_strerror(errno));
	if (pid == 0) {
		/* A group of its own, that a timeout can kill whole. */
		setpgid(0, 0);
		tty_give(tty, getpid());
		if (dup2(p[1], STDOUT_FILENO) >= 0)
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	/* In both processes, so that it is done before either goes on. */
	setpgid(pid, pid);
	tty_give(tty, pid);
	close(p[1]);
	for (;;) {
		if (!eof) {
			pfd.fd = p[0];
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 20) > 0) {
				r = read(p[0], tmp, sizeof(tmp));
				if (r <= 0 && !(r < 0 && errno == EINTR))
					eof = 1;
				for (i = 0; i < r && !line; i++) {
					if (tmp[i] == '\n')
						line = 1;
					else if (n < PW_MAX - 1)
						buf[n++] = tmp[i];
				}
			}
		} else {
			poll(NULL, 0, 5);
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (xt_now() > deadline) {
			kill_command(pid);
			tty_give(tty, getpgrp());
			explicit_bzero(tmp, sizeof(tmp));
			explicit_bzero(buf, n);
			xt_die(XT_TEMPFAIL, "%s did not finish within %g s",
			    what, timeout);
		}
	}
	tty_give(tty, getpgrp());
	if (tty >= 0)
		close(tty);
	/* What it wrote just before it exited. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	while (!eof && !line && (r = read(p[0], tmp, sizeof(tmp))) > 0)
		for (i = 0; i < r && !line; i++) {
			if (tmp[i] == '\n')
				line = 1;
			else if (n < PW_MAX - 1)
				buf[n++] = tmp[i];
		}
	close(p[0]);
	explicit_bzero(tmp, sizeof(tmp));
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (WIFSIGNALED(status)) {
		explicit_bzero(buf, n);
		xt_die(XT_CONFIG, "%s was killed by signal %d (%s)", what,
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	if (WEXITSTATUS(status) != 0) {
		explicit_bzero(buf, n);
		xt_die(XT_CONFIG, "%s failed with exit status %d", what,
		    WEXITSTATUS(status));
	}
	return buf;
}

/* ---- the prompt ---- */

static int tty_fd = -1;
static struct termios tty_saved;

/* Give the terminal its echo back if we are killed while it is off. */
static void
tty_restore(int sig)
{
	tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Ask on /dev/tty with echo off, when a person is there to answer: stdin
 * or stderr is a terminal. NULL if not. No timeout: a person types. */
static char *
password_from_tty(const char *jid)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[4];
	struct termios t;
	char *pw;
	size_t i;

	if (!isatty(STDIN_FILENO) && !isatty(STDERR_FILENO))
		return NULL;
	if ((tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return NULL;
	if (tcgetattr(tty_fd, &tty_saved) != 0) {
		close(tty_fd);
		tty_fd = -1;
		return NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_restore;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &old[i]);
	t = tty_saved;
	t.c_lflag &= ~ECHO;
	t.c_lflag |= ECHONL | ICANON;
	dprintf(tty_fd, "Password for %s: ", jid);
	tcsetattr(tty_fd, TCSAFLUSH, &t);
	pw = read_line(tty_fd, 0, "the terminal");
	tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &old[i], NULL);
	close(tty_fd);
	tty_fd = -1;
	return pw;
}

/* ---- sendxmpp and go-sendxmpp files, for migration ---- */

/* What ~/.sendxmpprc or go-sendxmpp's config says. Both tools use one
 * account per file, in one of two formats:
 *   user@host[:port] password [component]      (sendxmpp, old)
 *   username: alice    jserver: host    port: 5222
 *   password: secret   component: domain       (sendxmpp 1.24)
 *   eval_password: cmd  and  username: full JID  (go-sendxmpp)
 * sendxmpp's JID is username@component, else username@jserver. */
struct legacy {
	char *path;
	char *jid;
	char *server;		/* HOST[:PORT] when the file needs one */
	char *password;
	char *eval;		/* a command that prints the password */
	struct stat st;
};

static struct legacy legacy[3];
static int legacy_loaded;

static void
legacy_set(char **field, const char *v)
{
	forget(field);
	*field = xt_strdup(v);
}

static void
legacy_parse(struct legacy *l, FILE *f)
{
	char *line = NULL, *p, *v, *user = NULL, *host = NULL, *port = NULL,
	    *comp = NULL, *tok[4], *save;
	const char *dom;
	size_t cap = 0, klen;
	ssize_t len;
	int n;

	while ((len = getline(&line, &cap, f)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		klen = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		if (klen > 0 && p[klen] == ':') {
			p[klen] = '\0';
			v = p + klen + 1 + strspn(p + klen + 1, " \t");
			if (strcmp(p, "username") == 0)
				legacy_set(&user, v);
			else if (strcmp(p, "jserver") == 0)
				legacy_set(&host, v);
			else if (strcmp(p, "port") == 0)
				legacy_set(&port, v);
			else if (strcmp(p, "component") == 0)
				legacy_set(&comp, v);
			else if (strcmp(p, "password") == 0)
				legacy_set(&l->password, v);
			else if (strcmp(p, "eval_password") == 0)
				legacy_set(&l->eval, v);
			continue;
		}
		for (n = 0, save = NULL; n < 4 &&
		    (tok[n] = strtok_r(n ? NULL : p, " \t", &save)) != NULL;
		    n++)
			;
		if (n < 2 || n > 3 || (v = strrchr(tok[0], '@')) == NULL) {
			xt_info(1, "%s: ignoring a line in neither format",
			    l->path);
			continue;
		}
		*v = '\0';
		legacy_set(&user, tok[0]);
		legacy_set(&host, v + 1);
		forget(&port);
		forget(&comp);
		if (n == 3)
			legacy_set(&comp, tok[2]);
		legacy_set(&l->password, tok[1]);
	}
	explicit_bzero(line, cap);
	free(line);

	/* sendxmpp's jserver may carry the port; not an IPv6 literal. */
	if (host != NULL && port == NULL && (p = strrchr(host, ':')) != NULL &&
	    strchr(host, ':') == p) {
		*p = '\0';
		port = xt_strdup(p + 1);
	}
	if (user != NULL && strchr(user, '@') != NULL) {
		l->jid = xt_strdup(user);
		dom = strchr(user, '@') + 1;
	} else if (user != NULL && (comp || host)) {
		dom = comp ? comp : host;
		if (asprintf(&l->jid, "%s@%s", user, dom) < 0)
			xt_die(XT_SOFTWARE, "out of memory");
	} else {
		dom = NULL;
	}
	/* Only when it is not where the domain's SRV records lead. */
	if (dom != NULL && (port != NULL || (host != NULL &&
	    strcasecmp(host, dom) != 0)) &&
	    asprintf(&l->server, "%s%s%s", host ? host : dom,
	    port ? ":" : "", port ? port : "") < 0)
		xt_die(XT_SOFTWARE, "out of memory");
	free(user);
	free(host);
	free(port);
	free(comp);
}

static void
legacy_load(void)
{
	char *paths[3], *buf;
	size_t len;
	FILE *f;
	int i, fd;

	if (legacy_loaded)
		return;
	legacy_loaded = 1;
	if (asprintf(&paths[0], "%s/.sendxmpprc", home_dir()) < 0)
		xt_die(XT_SOFTWARE, "out of memory");
	paths[1] = config_home_path("go-sendxmpp/config");
	paths[2] = config_home_path("go-sendxmpp/sendxmpprc");
	for (i = 0; i < 3; i++) {
		legacy[i].path = paths[i];
		/* Only a regular file, and not blocking in open() to see. */
		if ((fd = xt_file_open(paths[i], &legacy[i].st)) < 0)
			continue;
		if (S_ISREG(legacy[i].st.st_mode)) {
			buf = xt_file_read(fd, XT_FILE_MAX, xt_now() +
			    timeout_of(&xt_opt), paths[i], &len);
			if (len > 0 && (f = fmemopen(buf, len, "r")) != NULL) {
				legacy_parse(&legacy[i], f);
				fclose(f);
			}
			explicit_bzero(buf, len);
			free(buf);
		}
		close(fd);
	}
}

/* ---- the config file ---- */

enum { K_STR, K_PATH, K_BOOL, K_SECRET };

#define OFF(f) offsetof(struct xt_opts, f)

/* The keys are the long options; password is the only extra one. The
 * four password keys are one choice: the first one found wins. */
static const struct key {
	const char *name;
	size_t off;
	int kind;
	int password;
} keys[] = {
	{ "jid", OFF(jid), K_STR, 0 },
	{ "password", 0, K_SECRET, 1 },
	{ "password-file", OFF(password_file), K_PATH, 1 },
	{ "password-fd", OFF(password_fd), K_STR, 1 },
	{ "password-command", OFF(password_command), K_STR, 1 },
	{ "server", OFF(server), K_STR, 0 },
	{ "tls", OFF(tls), K_STR, 0 },
	{ "cafile", OFF(cafile), K_PATH, 0 },
	{ "capath", OFF(capath), K_PATH, 0 },
	{ "insecure", OFF(insecure), K_BOOL, 0 },
	{ "pin", OFF(pin), K_STR, 0 },
	{ "client-cert", OFF(client_cert), K_PATH, 0 },
	{ "client-key", OFF(client_key), K_PATH, 0 },
	{ "resource", OFF(resource), K_STR, 0 },
	{ "sasl", OFF(sasl), K_STR, 0 },
	{ "timeout", OFF(timeout), K_STR, 0 },
	{ "output", OFF(output), K_STR, 0 },
	{ "quiet", OFF(quiet), K_BOOL, 0 },
};

struct entry {
	char *section;		/* "" before the first [section] */
	char *name;
	char *value;
	int line;
	const struct key *key;	/* NULL: unknown */
};

struct parse {
	FILE *f;
	int line;		/* the line being read */
	int at_start;		/* the next read starts a line */
	int too_long;		/* first line longer than we take */
	struct entry *e;
	size_t n, cap;
};

/* fgets for inih that counts lines, which inih's handler is not told. */
static char *
ini_read(char *buf, int size, void *arg)
{
	struct parse *p = arg;
	size_t len;

	if (fgets(buf, size, p->f) == NULL)
		return NULL;
	if (p->at_start)
		p->line++;
	len = strlen(buf);
	p->at_start = len > 0 && buf[len - 1] == '\n';
	if (!p->at_start && !feof(p->f) && p->too_long == 0)
		p->too_long = p->line;
	return buf;
}

static int
ini_entry(void *arg, const char *section, const char *name,
    const char *value)
{
	struct parse *p = arg;
	struct entry *e;
	size_t i;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		if ((p->e = realloc(p->e, p->cap * sizeof(*p->e))) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
	}
	e = &p->e[p->n++];
	e->section = xt_strdup(section);
	e->name = xt_strdup(name);
	e->value = xt_strdup(value);
	e->line = p->line;
	e->key = NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			e->key = &keys[i];
	return 1;
}

static int
parse_bool(const char *v)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0)
		return 0;
	return -1;
}

/* Read the whole file into p; exit 78 on a syntax error, an unknown
 * key or a bad yes/no, naming the first such line. */
static void
ini_read_all(const char *path, struct parse *p)
{
	int rc;
	size_t i;

	/* Debian's libinih takes these at run time. A long line (several
	 * pins) must fit; ';' and indentation are plain text in values,
	 * since a password may hold anything. */
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_max_line = INI_LINE_MAX;
	ini_initial_alloc = INI_LINE_MAX;
	ini_allow_multiline = false;
	ini_allow_inline_comments = false;
	p->at_start = 1;
	rc = ini_parse_stream(ini_read, p, ini_entry, p);
	if (rc == -2)
		xt_die(XT_SOFTWARE, "out of memory");
	if (ferror(p->f))
		xt_die(XT_CONFIG, "cannot read %s: %s", path, xt_strerror(errno));
	for (i = 0; i < p->n; i++) {
		if (rc > 0 && rc < p->e[i].line)
			break;
		if (p->too_long && p->too_long <= p->e[i].line)
			break;
		if (p->e[i].key == NULL)
			xt_die(XT_CONFIG, "%s:%d: unknown key '%s'", path,
			    p->e[i].line, p->e[i].name);
		if (p->e[i].key->kind == K_BOOL &&
		    parse_bool(p->e[i].value) < 0)
			xt_die(XT_CONFIG, "%s:%d: invalid %s '%s': expected "
			    "yes or no", path, p->e[i].line, p->e[i].name,
			    p->e[i].value);
	}
	if (p->too_long && (rc <= 0 || p->too_long <= rc))
		xt_die(XT_CONFIG, "%s:%d: line longer than %d bytes", path,
		    p->too_long, INI_LINE_MAX - 3);
	if (rc > 0)
		xt_die(XT_CONFIG, "%s:%d: syntax error: expected 'key = "
		    "value' or '[account]'", path, rc);
}

/* The value of key in section, or NULL. Later lines win. */
static const char *
lookup(const struct parse *p, const char *section, const char *key)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].section, section) == 0 &&
		    strcmp(p->e[i].name, key) == 0)
			v = p->e[i].value;
	return v;
}

/* Which [section] applies: --account's, else the one for the JID we
 * already have (its jid key, or its name), else the first one. */
static const char *
select_section(const struct xt_opts *o, const struct parse *p,
    const char *path)
{
	const char *jid;
	size_t i;

	if (o->account != NULL) {
		for (i = 0; i < p->n; i++)
			if (strcmp(p->e[i].section, o->account) == 0)
				return o->account;
		xt_die(XT_CONFIG, "no account '%s' in %s", o->account, path);
	}
	if (o->jid != NULL) {
		for (i = 0; i < p->n; i++)
			if (*p->e[i].section != '\0' &&
			    (jid = lookup(p, p->e[i].section, "jid")) != NULL &&
			    same_account(jid, o->jid))
				return p->e[i].section;
		for (i = 0; i < p->n; i++)
			if (*p->e[i].section != '\0' &&
			    same_account(p->e[i].section, o->jid))
				return p->e[i].section;
		return NULL;
	}
	for (i = 0; i < p->n; i++)
		if (*p->e[i].section != '\0')
			return p->e[i].section;
	return NULL;
}

/* Set the field of e's key unless something stronger already did. */
static void
apply(struct xt_opts *o, const struct entry *e, const char *path,
    int *password_chosen)
{
	const struct key *k = e->key;
	char where[4096];
	char **sp;
	int *ip;

	snprintf(where, sizeof(where), "%s:%d", path, e->line);
	if (k->password) {
		if (*password_chosen)
			return;
		*password_chosen = 1;
	}
	if (k->kind == K_SECRET) {
		if (*e->value != '\0')
			config_password = xt_strdup(e->value);
		return;
	}
	if (k->kind == K_BOOL) {
		ip = (int *)((char *)o + k->off);
		if (*ip || xt_opt_origin(ip) != NULL)
			return;
		*ip = parse_bool(e->value);
		xt_opt_set_origin(ip, where);
		return;
	}
	sp = (char **)((char *)o + k->off);
	if (*sp != NULL || xt_opt_origin(sp) != NULL)
		return;
	/* An empty value sets nothing but hides the global one. */
	if (*e->value != '\0')
		*sp = k->kind == K_PATH ? expand_home(e->value) :
		    xt_strdup(e->value);
	xt_opt_set_origin(sp, where);
}

/* Other users must not be able to change what we run and trust. */
static void
check_config_file(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return;
	if (st->st_uid != geteuid() && st->st_uid != 0)
		xt_die(XT_CONFIG, "%s: belongs to another user (uid %u); it "
		    "must be yours", path, (unsigned)st->st_uid);
	if (st->st_mode & 022)
		xt_die(XT_CONFIG, "%s: writable by others; run: chmod go-w %s",
		    path, path);
}

/* XMPP_PASSWORD is taken out of the environment, and wiped there, before
 * anything else runs: the processes we start never see it, and the
 * block /proc/PID/environ shows holds it no more. Every copy is wiped:
 * execve() may pass the name twice, and getenv() sees the first only. */
static void
take_env_password(void)
{
	static const char name[] = "XMPP_PASSWORD=";
	static int taken;
	char **e, *v;

	if (taken)
		return;
	taken = 1;
	if ((v = getenv("XMPP_PASSWORD")) == NULL)
		return;
	env_password = xt_strdup(v);
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, name, sizeof(name) - 1) == 0)
			explicit_bzero(*e + sizeof(name) - 1,
			    strlen(*e + sizeof(name) - 1));
	unsetenv("XMPP_PASSWORD");
}

/* Without any other account, take sendxmpp's or go-sendxmpp's: lowest
 * priority, and only the JID and server (the password comes later, in
 * xt_account_password(), and only for this same JID). */
static void
legacy_account(struct xt_opts *o)
{
	int i;

	legacy_load();
	for (i = 0; i < 3; i++) {
		if (legacy[i].jid == NULL)
			continue;
		o->jid = xt_strdup(legacy[i].jid);
		xt_opt_set_origin(&o->jid, legacy[i].path);
		if (o->server == NULL && xt_opt_origin(&o->server) == NULL &&
		    legacy[i].server != NULL) {
			o->server = xt_strdup(legacy[i].server);
			xt_opt_set_origin(&o->server, legacy[i].path);
		}
		xt_info(1, "account %s from %s", o->jid, legacy[i].path);
		return;
	}
}

/* The config file is read before -w is checked: its value as given,
 * when it is one, bounds the wait for a FIFO. */
static double
config_timeout(const struct xt_opts *o)
{
	char *end;
	double t;

	if (o->timeout != NULL) {
		t = strtod(o->timeout, &end);
		if (end != o->timeout && *end == '\0' && t > 0 && t < 1e6)
			return t;
	}
	return TIMEOUT_DEFAULT;
}

const char *
xt_config_path(void)
{
	if (config_path == NULL)
		config_path = config_home_path("xmpp-tools/config");
	return config_path;
}

static void
parse_free(struct parse *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		explicit_bzero(p->e[i].value, strlen(p->e[i].value));
		free(p->e[i].section);
		free(p->e[i].name);
		free(p->e[i].value);
	}
	free(p->e);
}

void
xt_config_accounts(struct xt_opts *o, FILE *out)
{
	struct parse p = { 0 };
	struct stat st;
	size_t i, j, len;
	char *buf;
	int fd;

	if (o->config == NULL && getenv("XMPP_CONFIG") != NULL)
		o->config = xt_strdup(getenv("XMPP_CONFIG"));
	if (o->config != NULL) {
		free(config_path);
		config_path = xt_strdup(o->config);
	}
	if ((fd = xt_file_open(xt_config_path(), &st)) < 0)
		return;
	buf = xt_file_read(fd, XT_FILE_MAX, xt_now() + 5, config_path, &len);
	close(fd);
	if (len > 0 && xt_file_nul_line(buf, len) == 0 &&
	    (p.f = fmemopen(buf, len, "r")) != NULL) {
		ini_read_all(config_path, &p);
		fclose(p.f);
	}
	explicit_bzero(buf, len);
	free(buf);
	/* Each section once, in the order of the file. */
	for (i = 0; i < p.n; i++) {
		if (*p.e[i].section == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(p.e[j].section, p.e[i].section) == 0)
				break;
		if (j == i)
			fprintf(out, "%s\n", p.e[i].section);
	}
	parse_free(&p);
}

void
xt_config_load(struct xt_opts *o)
{
	struct parse p = { 0 };
	const char *section, *pw;
	unsigned long nul;
	struct stat st;
	int chosen, fd;
	size_t i, len;
	char *buf;

	take_env_password();
	if (o->config != NULL) {
		free(config_path);
		config_path = xt_strdup(o->config);
	}
	if ((fd = xt_file_open(xt_config_path(), &st)) < 0) {
		if (errno != ENOENT || o->config != NULL)
			xt_die(XT_CONFIG, "cannot read %s: %s", config_path,
			    xt_strerror(errno));
		if (o->account != NULL)
			xt_die(XT_CONFIG, "no account '%s': %s does not exist",
			    o->account, config_path);
		xt_info(2, "no config file %s", config_path);
		if (o->jid == NULL)
			legacy_account(o);
		return;
	}
	check_config_file(config_path, &st);
	buf = xt_file_read(fd, XT_FILE_MAX, xt_now() + config_timeout(o),
	    config_path, &len);
	close(fd);
	if ((nul = xt_file_nul_line(buf, len)) > 0)
		xt_die(XT_CONFIG, "%s:%lu: a NUL byte: this is not a text file",
		    config_path, nul);
	if (len > 0) {
		if ((p.f = fmemopen(buf, len, "r")) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		ini_read_all(config_path, &p);
		fclose(p.f);
	}
	explicit_bzero(buf, len);
	free(buf);
	section = select_section(o, &p, config_path);
	xt_info(1, "config %s%s%s%s", config_path, section ? ", [" : "",
	    section ? section : "", section ? "]" : "");

	if ((((pw = lookup(&p, "", "password")) != NULL && *pw != '\0') ||
	    (section != NULL &&
	    (pw = lookup(&p, section, "password")) != NULL && *pw != '\0')))
		check_private(config_path, &st);

	/* The account's lines before the global ones, the last line of each
	 * first: the first value applied to a field sticks. */
	chosen = o->password_fd != NULL || o->password_file != NULL ||
	    o->password_command != NULL || env_password != NULL;
	for (i = p.n; section != NULL && i-- > 0;)
		if (strcmp(p.e[i].section, section) == 0)
			apply(o, &p.e[i], config_path, &chosen);
	for (i = p.n; i-- > 0;)
		if (*p.e[i].section == '\0')
			apply(o, &p.e[i], config_path, &chosen);
	/* [alice@example.org] with no jid line is that account. */
	if (o->jid == NULL && section != NULL && strchr(section, '@') &&
	    xt_opt_origin(&o->jid) == NULL) {
		o->jid = xt_strdup(section);
		xt_opt_set_origin(&o->jid, config_path);
	}
	parse_free(&p);
	if (o->jid == NULL && o->account == NULL &&
	    xt_opt_origin(&o->jid) == NULL)
		legacy_account(o);
}

/* ---- the password ---- */

/* No password for ANONYMOUS (a JID without localpart) or for EXTERNAL
 * with a client certificate. */
static int
needs_password(const struct xt_opts *o)
{
	const char *at = strchr(o->jid, '@'), *slash = strchr(o->jid, '/');

	if (at == NULL || (slash != NULL && slash < at))
		return 0;
	if (o->sasl != NULL)
		return strcasecmp(o->sasl, "EXTERNAL") != 0 &&
		    strcasecmp(o->sasl, "ANONYMOUS") != 0;
	return o->client_cert == NULL;
}

/* "--key" or "key (FILE:LINE)", for messages about a password option. */
static const char *
option_name(const void *field, const char *key, char *buf, size_t len)
{
	const char *where = xt_opt_origin(field);

	if (where == NULL)
		snprintf(buf, len, "--%s", key);
	else
		snprintf(buf, len, "%s (%s)", key, where);
	return buf;
}

/* The password from the matching sendxmpp or go-sendxmpp file, or NULL. */
static char *
password_from_legacy(const struct xt_opts *o, char *what, size_t len)
{
	struct legacy *l;
	int i;

	legacy_load();
	for (i = 0; i < 3; i++) {
		l = &legacy[i];
		if (l->jid == NULL || !same_account(l->jid, o->jid) ||
		    (l->password == NULL && l->eval == NULL))
			continue;
		check_private(l->path, &l->st);
		if (l->password != NULL) {
			snprintf(what, len, "%s", l->path);
			return xt_strdup(l->password);
		}
		snprintf(what, len, "eval_password of %s", l->path);
		return password_from_command(l->eval, timeout_of(o), what);
	}
	return NULL;
}

/* A space, tab or byte order mark at an end of a password is most often
 * an editor's or a copy's: kept, since it may be meant, but told at -v,
 * where one looks when the login fails. */
static void
hint_odd_password(const char *pw, const char *what)
{
	size_t n = strlen(pw);
	const char *hint = NULL;

	if (strncmp(pw, "\357\273\277", 3) == 0)
		hint = "begins with a byte order mark";
	else if (*pw == ' ' || *pw == '\t')
		hint = *pw == ' ' ? "begins with a space" : "begins with a tab";
	else if (n > 0 && (pw[n - 1] == ' ' || pw[n - 1] == '\t'))
		hint = pw[n - 1] == ' ' ? "ends with a space" :
		    "ends with a tab";
	if (hint != NULL)
		xt_info(1, "password from %s %s (kept as part of it)", what,
		    hint);
}

void
xt_account_password(struct xt_opts *o)
{
	double timeout = timeout_of(o);
	const char *creds;
	char what[4200], *path, *pw = NULL;
	int fd;

	take_env_password();
	if (o->password != NULL || o->jid == NULL)
		return;
	if (!needs_password(o)) {
		xt_info(2, "no password needed for %s", o->jid);
		return;
	}
	/* Command line, then XMPP_PASSWORD, then the config file: at most
	 * one of the first three is set (see xt_config_load). */
	if (o->password_fd != NULL) {
		option_name(&o->password_fd, "password-fd", what,
		    sizeof(what));
		fd = o->pw_fd >= 0 ? o->pw_fd : atoi(o->password_fd);
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
		    " %d", fd);
		pw = password_from_fd(fd, timeout, what);
	} else if (o->password_file != NULL) {
		option_name(&o->password_file, "password-file", what,
		    sizeof(what));
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
		    " '%s'", o->password_file);
		pw = password_from_file(o->password_file, timeout, what, 1);
	} else if (o->password_command != NULL) {
		option_name(&o->password_command, "password-command", what,
		    sizeof(what));
		pw = password_from_command(o->password_command, timeout, what);
	} else if (env_password != NULL) {
		snprintf(what, sizeof(what), "XMPP_PASSWORD");
		pw = xt_strdup(env_password);
	} else if (config_password != NULL) {
		snprintf(what, sizeof(what), "%s", xt_config_path());
		pw = xt_strdup(config_password);
	} else if ((creds = getenv("CREDENTIALS_DIRECTORY")) != NULL &&
	    *creds != '\0') {
		/* systemd's LoadCredential=xmpp-password:...; the
		 * directory is private to the service. */
		if (asprintf(&path, "%s/xmpp-password", creds) < 0)
			xt_die(XT_SOFTWARE, "out of memory");
		if (access(path, F_OK) == 0) {
			snprintf(what, sizeof(what), "%s", path);
			pw = password_from_file(path, timeout, what, 0);
		}
		free(path);
	}
	if (pw == NULL)
		pw = password_from_legacy(o, what, sizeof(what));
	if (pw == NULL && (pw = password_from_tty(o->jid)) != NULL)
		snprintf(what, sizeof(what), "the terminal");
	if (pw == NULL)
		xt_die(XT_CONFIG, "no password for '%s': use --password-file, "
		    "--password-fd, --password-command, XMPP_PASSWORD or the "
		    "config file", o->jid);
	if (*pw == '\0') {
		free(pw);
		xt_die(XT_CONFIG, "empty password from %s", what);
	}
	o->password = pw;
	xt_info(1, "password from %s", what);
	hint_odd_password(pw, what);
}

void
xt_account_forget(struct xt_opts *o)
{
	int i;

	forget(&o->password);
	forget(&config_password);
	forget(&env_password);
	for (i = 0; i < 3; i++) {
		forget(&legacy[i].password);
		forget(&legacy[i].eval);
	}
}
