/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for options.c and account.c, each case run in a child. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "xt.h"

static char dir[256];		/* everything lives in here */
static char cfg[512];		/* $XDG_CONFIG_HOME/xmpp-tools/config */
static const char *stdin_text;	/* the child's standard input */

static struct poptOption table[] = {
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

struct run {
	int status;		/* exit code, or 128 + signal */
	double secs;
	char out[8192];
	char err[8192];
};

#define S(s) ((s) ? (s) : "(null)")

/* What a tool does with its options, then a report of the result. */
static void __attribute__((noreturn))
child(int argc, const char **argv)
{
	poptContext con;
	char rest[256] = "";

	xt_init("xmpp-test");
	con = xt_parse_args(argc, argv, table, "JID...");
	xt_opts_finish(XT_FMT_TEXT);
	xt_account_password(&xt_opt);
	if (fgets(rest, sizeof(rest), stdin) == NULL)
		rest[0] = '\0';
	rest[strcspn(rest, "\n")] = '\0';
	printf("jid=%s\npassword=%s\nserver=%s host=%s port=%u\n"
	    "tls=%d format=%d timeout=%g verbose=%d quiet=%d insecure=%d\n"
	    "pin=%s\nsasl=%s\nresource=%s\ncafile=%s\nenv=%s\nstdin=%s\n",
	    S(xt_opt.jid), S(xt_opt.password), S(xt_opt.server),
	    S(xt_opt.server_host), xt_opt.server_port, xt_opt.tls_mode,
	    xt_opt.format, xt_opt.timeout_s, xt_verbose, xt_quiet,
	    xt_opt.insecure, S(xt_opt.pin), S(xt_opt.sasl),
	    S(xt_opt.resource), S(xt_opt.cafile), S(getenv("XMPP_PASSWORD")),
	    rest);
	xt_account_forget(&xt_opt);
	poptFreeContext(con);
	xt_close_stdout();
	exit(0);
}

static void
slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

static void
put(const char *path, int mode, const char *text)
{
	FILE *f;
	char d[512], *slash;

	snprintf(d, sizeof(d), "%s", path);
	for (slash = d + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
		*slash = '\0';
		mkdir(d, 0700);
		*slash = '/';
	}
	unlink(path);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* Run the child with the arguments after r, up to NULL. */
static void
run(struct run *r, ...)
{
	const char *argv[64];
	char out[512], err[512], in[512];
	int argc = 0, st;
	va_list ap;
	double t0;
	pid_t pid;

	argv[argc++] = "xmpp-test";
	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, const char *)) != NULL)
		argc++;
	va_end(ap);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	snprintf(in, sizeof(in), "%s/in", dir);
	put(in, 0600, stdin_text ? stdin_text : "");
	fflush(stdout);
	t0 = xt_now();
	if ((pid = fork()) == 0) {
		if (freopen(in, "r", stdin) == NULL ||
		    freopen(out, "w", stdout) == NULL ||
		    freopen(err, "w", stderr) == NULL)
			_exit(99);
		alarm(20);
		child(argc, argv);
	}
	waitpid(pid, &st, 0);
	r->secs = xt_now() - t0;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

/* Print text as TAP comments, each line after label. */
static void
diag_lines(const char *label, const char *text)
{
	size_t n;

	while (*text != '\0') {
		n = strcspn(text, "\n");
		printf("#   %s: %.*s\n", label, (int)n, text);
		text += n + (text[n] == '\n');
	}
}

/* The child exited with code and its output and errors contain out_has
 * and err_has (NULL: anything). */
static void
expect(const struct run *r, int code, const char *out_has,
    const char *err_has, const char *name)
{
	int good = r->status == code &&
	    (out_has == NULL || strstr(r->out, out_has) != NULL) &&
	    (err_has == NULL || strstr(r->err, err_has) != NULL);

	ok(good, "%s", name);
	if (good)
		return;
	printf("#   exit %d, expected %d\n", r->status, code);
	if (out_has)
		printf("#   expected in stdout: %s\n", out_has);
	if (err_has)
		printf("#   expected in stderr: %s\n", err_has);
	diag_lines("stdout", r->out);
	diag_lines("stderr", r->err);
}

/* A clean slate: no environment, no files from earlier cases. */
static void
fresh(void)
{
	char p[512];

	unsetenv("XMPP_JID");
	unsetenv("XMPP_CONFIG");
	unsetenv("XMPP_PASSWORD");
	unsetenv("CREDENTIALS_DIRECTORY");
	snprintf(p, sizeof(p), "%s/home", dir);
	setenv("HOME", p, 1);
	snprintf(p, sizeof(p), "%s/xdg", dir);
	setenv("XDG_CONFIG_HOME", p, 1);
	unlink(cfg);
	snprintf(p, sizeof(p), "%s/home/.sendxmpprc", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/xdg/go-sendxmpp/config", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/home/.config/xmpp-tools/config", dir);
	unlink(p);
	stdin_text = NULL;
}

static void
test_argv(void)
{
	struct run r;

	fresh();
	setenv("XMPP_PASSWORD", "pw", 1);
	run(&r, "-j", "alice@example.org", NULL);
	expect(&r, 0, "jid=alice@example.org\n", NULL, "--jid alone");
	expect(&r, 0, "tls=0 format=2 timeout=30 verbose=0 quiet=0", NULL,
	    "defaults: starttls, the tool's format, 30 s");
	run(&r, "-vv", "-j", "alice@example.org", NULL);
	expect(&r, 0, "verbose=2", NULL, "-vv counts 2");
	run(&r, "-v", "-v", "-j", "alice@example.org", NULL);
	expect(&r, 0, "verbose=2", NULL, "-v -v counts 2");
	run(&r, "--verbose", "-qv", "--jid=alice@example.org", NULL);
	expect(&r, 0, "verbose=2 quiet=1", NULL, "--verbose and -qv");
	run(&r, "--version", NULL);
	is(r.out, "xmpp-test " XT_VERSION " (libstrophe 0.12)\n",
	    "--version");
	run(&r, "-j", "alice@example.org", "--tls", "direct", "-o", "json",
	    "-w", "1.5", "--sasl", "scram-sha-256", "--resource", "a b",
	    NULL);
	expect(&r, 0, "tls=1 format=1 timeout=1.5", NULL,
	    "--tls direct -o json -w 1.5");
	expect(&r, 0, "sasl=SCRAM-SHA-256\nresource=a b\n", NULL,
	    "--sasl is made uppercase, --resource kept");
	run(&r, "-j", "alice@example.org", "-k", "--tls=none", NULL);
	expect(&r, 0, "tls=2 format=2 timeout=30 verbose=0 quiet=0 "
	    "insecure=1", NULL, "-k and --tls=none");
}

static void
test_usage_errors(void)
{
	struct run r;

	fresh();
	setenv("XMPP_PASSWORD", "pw", 1);
	run(&r, "--password", "hunter2", NULL);
	expect(&r, 64, NULL, "xmpp-test: unknown option '--password': a "
	    "password is never accepted on the command line: use "
	    "--password-file, --password-fd, --password-command or "
	    "XMPP_PASSWORD", "--password is refused with advice");
	run(&r, "-j", "alice@example.org", "--password=hunter2", NULL);
	expect(&r, 64, NULL, "'--password': a password is never",
	    "--password=X is refused");
	ok(strstr(r.err, "hunter2") == NULL, "and the password is not shown");
	run(&r, "-vphunter2", NULL);
	expect(&r, 64, NULL, "unknown option '-p': a password is never",
	    "-p in a cluster is refused");
	ok(strstr(r.err, "hunter2") == NULL, "and the password is not shown");
	run(&r, "--foo=bar", NULL);
	expect(&r, 64, NULL, "xmpp-test: unknown option '--foo'\n"
	    "try 'xmpp-test --help' for more information\n",
	    "unknown option, its value not shown, a hint");
	run(&r, "-j", NULL);
	expect(&r, 64, NULL, "option '-j' needs an argument",
	    "missing argument");
	run(&r, "-j", "a@b", "--tls", "ssl", NULL);
	expect(&r, 64, NULL, "xmpp-test: invalid --tls 'ssl': expected "
	    "starttls, direct or none\n", "bad --tls");
	run(&r, "-j", "a@b", "-o", "yaml", NULL);
	expect(&r, 64, NULL, "invalid --output 'yaml': expected xml, json or "
	    "text", "bad --output");
	run(&r, "-j", "alice@", NULL);
	expect(&r, 64, NULL, "invalid --jid 'alice@': empty domainpart",
	    "bad --jid");
	run(&r, "-j", "a@b", "--sasl", "SCRAM SHA", NULL);
	expect(&r, 64, NULL, "invalid --sasl 'SCRAM SHA': not a SASL "
	    "mechanism name", "bad --sasl");
	run(&r, "-j", "a@b", "--client-key", "/etc/hostname", NULL);
	expect(&r, 64, NULL, "--client-key needs --client-cert",
	    "--client-key without --client-cert");
	run(&r, "-j", "a@b", "--cafile", "/nonexistent/ca.pem", NULL);
	expect(&r, 78, NULL, "cannot read --cafile '/nonexistent/ca.pem': "
	    "no such file", "a --cafile that is not there");
	run(&r, "-j", "a@b", "--password-file", "/x", "--password-fd", "3",
	    NULL);
	expect(&r, 64, NULL, "--password-fd and --password-file cannot be "
	    "used together", "two password options");
	run(&r, "-j", "a@b", "--password-fd", "-1", NULL);
	expect(&r, 64, NULL, "invalid --password-fd '-1': must be a whole "
	    "number between 0 and", "bad --password-fd");
}

static void
test_numbers(void)
{
	static const char *bad[][2] = {
		{ "0", "must be a number between 0.001 and 86400" },
		{ "86401", "must be a number between 0.001 and 86400" },
		{ "1e9", "must be a number between 0.001 and 86400" },
		{ "-5", "must be a number between 0.001 and 86400" },
		{ "abc", "not a number" },
		{ "5s", "not a number" },
		{ " 5", "not a number" },
		{ "", "not a number" },
		{ "inf", "not a number" },
		{ "nan", "not a number" },
		{ "0x10", "not a number" },
		{ "1e999", "not a number" },
	};
	struct run r;
	char want[128];
	size_t i;

	fresh();
	setenv("XMPP_PASSWORD", "pw", 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run(&r, "-j", "a@b", "-w", bad[i][0], NULL);
		snprintf(want, sizeof(want), "invalid --timeout '%s': %s",
		    bad[i][0], bad[i][1]);
		expect(&r, 64, NULL, want, want);
	}
	run(&r, "-j", "a@b", "-w", "0.25", NULL);
	expect(&r, 0, "timeout=0.25", NULL, "-w 0.25");
	run(&r, "-j", "a@b", "--timeout=86400", NULL);
	expect(&r, 0, "timeout=86400", NULL, "--timeout=86400");
}

static void
test_server(void)
{
	static const char *good[][2] = {
		{ "xmpp.example.org", "host=xmpp.example.org port=0" },
		{ "xmpp.example.org:5223", "host=xmpp.example.org port=5223" },
		{ "127.0.0.1:5222", "host=127.0.0.1 port=5222" },
		{ "[::1]:5222", "host=::1 port=5222" },
		{ "[2001:db8::1]", "host=2001:db8::1 port=0" },
	};
	static const char *bad[][2] = {
		{ "::1", "write an IPv6 address in brackets, as in "
		    "[::1]:5222" },
		{ "h:0", "the port must be a number between 1 and 65535" },
		{ "h:65536", "the port must be a number between 1 and 65535" },
		{ "h:", "the port must be a number between 1 and 65535" },
		{ "h:x", "the port must be a number between 1 and 65535" },
		{ ":5222", "empty host name" },
		{ "[::1", "missing ']'" },
		{ "[::1]5222", "expected ':PORT' after ']'" },
		{ "[example.org]:5222", "not an IPv6 address" },
		{ "a b", "not a host name" },
	};
	struct run r;
	char want[128];
	size_t i;

	fresh();
	setenv("XMPP_PASSWORD", "pw", 1);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		run(&r, "-j", "a@b", "-S", good[i][0], NULL);
		expect(&r, 0, good[i][1], NULL, good[i][0]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run(&r, "-j", "a@b", "--server", bad[i][0], NULL);
		snprintf(want, sizeof(want), "invalid --server '%s': %s",
		    bad[i][0], bad[i][1]);
		expect(&r, 64, NULL, want, want);
	}
}

static void
test_pin(void)
{
	const char *hex = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	const char *colons = "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:"
	    "EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";
	char two[256], want[256];
	struct run r;

	fresh();
	setenv("XMPP_PASSWORD", "pw", 1);
	run(&r, "-j", "a@b", "--pin", colons, NULL);
	snprintf(want, sizeof(want), "pin=%s\n", hex);
	expect(&r, 0, want, NULL, "--pin with colons, as lowercase hex");
	snprintf(two, sizeof(two), "%s, %s", hex, colons);
	run(&r, "-j", "a@b", "--pin", two, NULL);
	snprintf(want, sizeof(want), "pin=%s,%s\n", hex, hex);
	expect(&r, 0, want, NULL, "two pins");
	run(&r, "-j", "a@b", "--pin", "abcd", NULL);
	expect(&r, 64, NULL, "invalid --pin 'abcd': expected a SHA-256 "
	    "fingerprint", "short --pin");
	snprintf(two, sizeof(two), "%s,", hex);
	run(&r, "-j", "a@b", "--pin", two, NULL);
	expect(&r, 64, NULL, "invalid --pin '': expected", "empty pin");
	run(&r, "-j", "a@b", "--pin", hex, "-k", NULL);
	expect(&r, 64, NULL, "--insecure and --pin cannot be used together: "
	    "a pin already replaces certificate verification",
	    "--pin with --insecure");
}

static void
test_config(void)
{
	struct run r;
	char want[2048], p[512];

	fresh();
	run(&r, NULL);
	snprintf(want, sizeof(want), "xmpp-test: no account: give --jid, set "
	    "XMPP_JID or add an account to %s\n", cfg);
	expect(&r, 78, NULL, want, "no JID anywhere");

	put(cfg, 0600, "timeout = 5\n"
	    "[work]\njid = alice@work.example\n"
	    "server = xmpp.work.example:5223\npassword = workpw\n"
	    "[home]\njid = alice@home.example\ntimeout = 7\n"
	    "password = homepw\n"
	    "[bob@home.example]\npassword = bobpw\n");
	run(&r, NULL);
	expect(&r, 0, "jid=alice@work.example\npassword=workpw\n"
	    "server=xmpp.work.example:5223 host=xmpp.work.example port=5223\n"
	    "tls=0 format=2 timeout=5 ", NULL,
	    "without a JID: the first account, and the global keys");
	run(&r, "-a", "home", NULL);
	expect(&r, 0, "jid=alice@home.example\npassword=homepw\n"
	    "server=(null) host=(null) port=0\ntls=0 format=2 timeout=7 ",
	    NULL, "--account: its keys beat the global ones");
	run(&r, "-j", "alice@home.example/laptop", NULL);
	expect(&r, 0, "jid=alice@home.example/laptop\npassword=homepw\n",
	    NULL, "--jid picks the account with that jid");
	setenv("XMPP_JID", "Alice@Home.example", 1);
	run(&r, NULL);
	expect(&r, 0, "jid=Alice@Home.example\npassword=homepw\n", NULL,
	    "XMPP_JID picks an account too");
	run(&r, "-j", "alice@work.example", "-w", "9", NULL);
	expect(&r, 0, "jid=alice@work.example\npassword=workpw\n"
	    "server=xmpp.work.example:5223 host=xmpp.work.example port=5223\n"
	    "tls=0 format=2 timeout=9 ", NULL, "argv beats env and config");
	unsetenv("XMPP_JID");
	run(&r, "-j", "bob@home.example", NULL);
	expect(&r, 0, "jid=bob@home.example\npassword=bobpw\n", NULL,
	    "an account named after the JID");
	run(&r, "-a", "bob@home.example", NULL);
	expect(&r, 0, "jid=bob@home.example\npassword=bobpw\n", NULL,
	    "an account named after a JID needs no jid line");
	run(&r, "-j", "carol@example.org", NULL);
	expect(&r, 78, NULL, "no password for 'carol@example.org': use "
	    "--password-file, --password-fd, --password-command, "
	    "XMPP_PASSWORD or the config file\n",
	    "no account for the JID: global keys only, no password");
	run(&r, "-a", "nope", NULL);
	snprintf(want, sizeof(want), "no account 'nope' in %s\n", cfg);
	expect(&r, 78, NULL, want, "--account that does not exist");
	setenv("XMPP_PASSWORD", "envpw", 1);
	run(&r, "-a", "home", NULL);
	expect(&r, 0, "password=envpw\n", NULL,
	    "XMPP_PASSWORD beats the config file");
	expect(&r, 0, "env=(null)\n", NULL, "XMPP_PASSWORD is unset");

	/* Elsewhere, named explicitly. */
	fresh();
	snprintf(p, sizeof(p), "%s/other.conf", dir);
	put(p, 0600, "jid = dave@example.org\npassword = davepw\n");
	run(&r, "-F", p, NULL);
	expect(&r, 0, "jid=dave@example.org\npassword=davepw\n", NULL,
	    "--config");
	setenv("XMPP_CONFIG", p, 1);
	run(&r, NULL);
	expect(&r, 0, "jid=dave@example.org\npassword=davepw\n", NULL,
	    "XMPP_CONFIG");
	setenv("XMPP_CONFIG", "/nonexistent/config", 1);
	run(&r, "-j", "a@b", NULL);
	expect(&r, 78, NULL, "cannot read /nonexistent/config: no such file",
	    "XMPP_CONFIG names a file that is not there");
	run(&r, "-j", "a@b", "--config", "/nonexistent/c2", NULL);
	expect(&r, 78, NULL, "cannot read /nonexistent/c2: no such file",
	    "--config names a file that is not there");
	unsetenv("XMPP_CONFIG");
	run(&r, "-j", "a@b", "-a", "work", NULL);
	snprintf(want, sizeof(want), "no account 'work': %s does not exist",
	    cfg);
	expect(&r, 78, NULL, want, "--account without a config file");

	/* ~/.config when XDG_CONFIG_HOME is not set. */
	fresh();
	unsetenv("XDG_CONFIG_HOME");
	snprintf(p, sizeof(p), "%s/home/.config/xmpp-tools/config", dir);
	put(p, 0600, "jid = erin@example.org\npassword = erinpw\n");
	run(&r, NULL);
	expect(&r, 0, "jid=erin@example.org\npassword=erinpw\n", NULL,
	    "~/.config/xmpp-tools/config");
}

static void
test_config_errors(void)
{
	struct run r;
	char want[2048], pins[512];
	const char *hex = "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:"
	    "EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";

	fresh();
	setenv("XMPP_PASSWORD", "pw", 1);
	put(cfg, 0600, "# comment\n[work]\npasword = x\n");
	run(&r, "-j", "a@b", NULL);
	snprintf(want, sizeof(want), "%s:3: unknown key 'pasword'\n", cfg);
	expect(&r, 78, NULL, want, "unknown key, with file and line");
	put(cfg, 0600, "[a]\njid = a@b\n[b]\naccount = x\n");
	run(&r, "-j", "a@b", NULL);
	snprintf(want, sizeof(want), "%s:4: unknown key 'account'\n", cfg);
	expect(&r, 78, NULL, want, "in any account, not just the one used");
	put(cfg, 0600, "jid = a@b\nthis is not ini\n");
	run(&r, NULL);
	snprintf(want, sizeof(want), "%s:2: syntax error", cfg);
	expect(&r, 78, NULL, want, "syntax error");
	put(cfg, 0600, "insecure = maybe\n");
	run(&r, "-j", "a@b", NULL);
	snprintf(want, sizeof(want), "%s:1: invalid insecure 'maybe': "
	    "expected yes or no", cfg);
	expect(&r, 78, NULL, want, "bad yes/no");
	put(cfg, 0600, "\n\ntimeout = soon\n");
	run(&r, "-j", "a@b", NULL);
	snprintf(want, sizeof(want), "xmpp-test: %s:3: invalid timeout "
	    "'soon': not a number\n", cfg);
	expect(&r, 78, NULL, want, "bad value: file and line, exit 78");
	put(cfg, 0600, "tls = ssl\n");
	run(&r, "-j", "a@b", NULL);
	snprintf(want, sizeof(want), "%s:1: invalid tls 'ssl'", cfg);
	expect(&r, 78, NULL, want, "bad tls in the config file");
	run(&r, "-j", "a@b", "--tls", "direct", NULL);
	expect(&r, 0, "tls=1", NULL, "unless argv overrides it");
	put(cfg, 0600, "jid = alice@\n");
	run(&r, NULL);
	snprintf(want, sizeof(want), "%s:1: invalid jid 'alice@': empty "
	    "domainpart", cfg);
	expect(&r, 78, NULL, want, "bad jid in the config file");
	setenv("XMPP_JID", "bob@", 1);
	run(&r, NULL);
	expect(&r, 78, NULL, "xmpp-test: invalid XMPP_JID 'bob@': empty "
	    "domainpart\n", "bad XMPP_JID");
	unsetenv("XMPP_JID");
	put(cfg, 0600, "insecure = yes\n[a]\njid = a@b\n"
	    "pin = 0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\n");
	run(&r, NULL);
	snprintf(want, sizeof(want), "insecure (%s:1) and pin (%s:4) cannot "
	    "be used together", cfg, cfg);
	expect(&r, 78, NULL, want, "conflict in the config file");

	snprintf(pins, sizeof(pins), "pin = %s, %s, %s\nquiet = on\n", hex,
	    hex, hex);
	put(cfg, 0600, pins);
	run(&r, "-j", "a@b", NULL);
	expect(&r, 0, "quiet=1", NULL, "a 300-byte line of pins, quiet = on");
	put(cfg, 0660, "jid = a@b\n");
	run(&r, NULL);
	snprintf(want, sizeof(want), "%s: writable by others; run: chmod "
	    "go-w %s\n", cfg, cfg);
	expect(&r, 78, NULL, want, "a config file others can change");
	put(cfg, 0644, "resource = ; not a comment\n");
	run(&r, "-j", "a@b", NULL);
	expect(&r, 0, "resource=; not a comment\n", NULL,
	    "';' is not a comment in values");
}

static void
test_password_sources(void)
{
	struct run r;
	char p[512], q[600], want[2048];
	int fds[2];

	/* The config file. */
	fresh();
	put(cfg, 0644, "[a]\njid = a@example.org\npassword = cfgpw\n");
	run(&r, NULL);
	snprintf(want, sizeof(want), "xmpp-test: %s: holds a password but is "
	    "readable by others; run: chmod 600 %s\n", cfg, cfg);
	expect(&r, 78, NULL, want, "a readable config file with a password");
	chmod(cfg, 0600);
	run(&r, "-v", NULL);
	snprintf(want, sizeof(want), "password from %s\n", cfg);
	expect(&r, 0, "password=cfgpw\n", want, "mode 600 is fine; -v says so");
	ok(strstr(r.err, "cfgpw") == NULL, "-v never shows the password");
	chmod(cfg, 0400);
	run(&r, NULL);
	expect(&r, 0, "password=cfgpw\n", NULL, "mode 400 is fine");
	put(cfg, 0600, "password-command = echo globalcmd\n[a]\n"
	    "jid = a@example.org\npassword = sectionpw\n[b]\n"
	    "jid = b@example.org\npassword =\n");
	run(&r, "-a", "a", NULL);
	expect(&r, 0, "password=sectionpw\n", NULL,
	    "the account's password beats a global password-command");
	run(&r, "-a", "b", NULL);
	expect(&r, 78, NULL, "no password for 'b@example.org'",
	    "an empty password line hides the global one");

	/* --password-file */
	fresh();
	snprintf(p, sizeof(p), "%s/pw", dir);
	put(p, 0644, "filepw\nsecond line\n");
	run(&r, "-j", "a@b", "--password-file", p, NULL);
	snprintf(want, sizeof(want), "%s: holds a password but is readable "
	    "by others; run: chmod 600 %s\n", p, p);
	expect(&r, 78, NULL, want, "--password-file readable by others");
	chmod(p, 0600);
	run(&r, "-j", "a@b", "--password-file", p, NULL);
	expect(&r, 0, "password=filepw\n", NULL, "--password-file");
	put(p, 0600, "crlf\r\n");
	run(&r, "-j", "a@b", "--password-file", p, NULL);
	expect(&r, 0, "password=crlf\n", NULL, "CR LF line end");
	put(p, 0600, "");
	run(&r, "-j", "a@b", "--password-file", p, NULL);
	snprintf(want, sizeof(want), "empty password from --password-file "
	    "'%s'", p);
	expect(&r, 78, NULL, want, "empty --password-file");
	run(&r, "-j", "a@b", "--password-file", "/nonexistent", NULL);
	expect(&r, 78, NULL, "cannot read --password-file '/nonexistent': "
	    "no such file", "--password-file not there");
	put(p, 0600, "tildepw\n");
	put(cfg, 0600, "password-file = ~/../pw\n");
	run(&r, "-j", "a@b", NULL);
	expect(&r, 0, "password=tildepw\n", NULL,
	    "password-file = ~/... in the config file");
	setenv("XMPP_PASSWORD", "envpw", 1);
	run(&r, "-j", "a@b", NULL);
	expect(&r, 0, "password=envpw\n", NULL,
	    "XMPP_PASSWORD beats the config's password-file");
	put(p, 0600, "argvpw\n");
	run(&r, "-j", "a@b", "--password-file", p, NULL);
	expect(&r, 0, "password=argvpw\n", NULL,
	    "--password-file beats XMPP_PASSWORD");
	expect(&r, 0, "env=(null)\n", NULL, "XMPP_PASSWORD is gone anyway");
	setenv("XMPP_PASSWORD", "", 1);
	unlink(cfg);
	run(&r, "-j", "a@b", NULL);
	expect(&r, 78, NULL, "empty password from XMPP_PASSWORD",
	    "empty XMPP_PASSWORD");

	/* --password-fd */
	fresh();
	if (pipe(fds) != 0 || write(fds[1], "fdpw\nmore\n", 10) != 10)
		exit(2);
	close(fds[1]);
	snprintf(q, sizeof(q), "%d", fds[0]);
	run(&r, "-j", "a@b", "--password-fd", q, NULL);
	close(fds[0]);
	expect(&r, 0, "password=fdpw\n", NULL, "--password-fd on a pipe");
	stdin_text = "stdinpw\nthe message\n";
	run(&r, "-j", "a@b", "--password-fd", "0", NULL);
	expect(&r, 0, "password=stdinpw\n", NULL, "--password-fd 0");
	expect(&r, 0, "stdin=the message\n", NULL,
	    "leaves the rest of stdin alone");
	stdin_text = NULL;
	run(&r, "-j", "a@b", "--password-fd", "77", NULL);
	expect(&r, 78, NULL, "cannot read --password-fd 77: bad file",
	    "--password-fd not open");
	if (pipe(fds) != 0)
		exit(2);
	snprintf(q, sizeof(q), "%d", fds[0]);
	run(&r, "-j", "a@b", "-w", "0.3", "--password-fd", q, NULL);
	close(fds[0]);
	close(fds[1]);
	expect(&r, 75, NULL, "no password from --password-fd", "a silent fd "
	    "times out");

	/* --password-command */
	fresh();
	setenv("XMPP_PASSWORD", "envpw", 1);
	run(&r, "-j", "a@b", "--password-command",
	    "echo ${XMPP_PASSWORD:-hidden}; echo second", NULL);
	expect(&r, 0, "password=hidden\n", NULL, "--password-command: first "
	    "line; the command does not see XMPP_PASSWORD");
	run(&r, "-j", "a@b", "--password-command", "exit 3", NULL);
	expect(&r, 78, NULL, "xmpp-test: --password-command failed with exit "
	    "status 3\n", "a failing command");
	run(&r, "-j", "a@b", "--password-command", "kill -9 $$", NULL);
	expect(&r, 78, NULL, "--password-command was killed by signal 9",
	    "a killed command");
	run(&r, "-j", "a@b", "-w", "0.5", "--password-command", "sleep 5",
	    NULL);
	expect(&r, 75, NULL, "--password-command did not finish within "
	    "0.5 s", "a command that takes too long");
	ok(r.secs < 3, "is stopped at the timeout (%.1f s)", r.secs);
	run(&r, "-j", "a@b", "--password-command",
	    "sleep 4 & echo daemonpw", NULL);
	expect(&r, 0, "password=daemonpw\n", NULL,
	    "a command that leaves something behind on the pipe");
	ok(r.secs < 3, "does not wait for it (%.1f s)", r.secs);
	run(&r, "-j", "a@b", "--password-command", "printf x", NULL);
	expect(&r, 0, "password=x\n", NULL, "no newline at the end");
	run(&r, "-j", "a@b", "--password-command", "true", NULL);
	expect(&r, 78, NULL, "empty password from --password-command",
	    "a command that prints nothing");

	/* systemd credentials */
	fresh();
	snprintf(p, sizeof(p), "%s/creds", dir);
	snprintf(q, sizeof(q), "%s/xmpp-password", p);
	put(q, 0644, "credpw");
	setenv("CREDENTIALS_DIRECTORY", p, 1);
	run(&r, "-j", "a@b", NULL);
	expect(&r, 0, "password=credpw\n", NULL, "$CREDENTIALS_DIRECTORY");
	unlink(q);
	run(&r, "-j", "a@b", NULL);
	expect(&r, 78, NULL, "no password for 'a@b'", "without the file");

	/* No password needed. */
	fresh();
	run(&r, "-j", "example.org", NULL);
	expect(&r, 0, "password=(null)\n", NULL, "anonymous: no password");
	run(&r, "-j", "a@b", "--client-cert", "/etc/hostname", NULL);
	expect(&r, 0, "password=(null)\n", NULL, "client certificate");
	run(&r, "-j", "a@b", "--client-cert", "/etc/hostname", "--sasl",
	    "plain", NULL);
	expect(&r, 78, NULL, "no password for 'a@b'",
	    "client certificate but --sasl PLAIN");
}

static void
test_sendxmpp(void)
{
	struct run r;
	char p[512], g[512], want[2048];

	fresh();
	snprintf(p, sizeof(p), "%s/home/.sendxmpprc", dir);
	snprintf(g, sizeof(g), "%s/xdg/go-sendxmpp/config", dir);
	put(p, 0600, "# old format\nalice@example.org oldpw\n");
	run(&r, NULL);
	expect(&r, 0, "jid=alice@example.org\npassword=oldpw\n"
	    "server=(null)", NULL, "~/.sendxmpprc, old format");
	run(&r, "-j", "alice@example.org/res", NULL);
	expect(&r, 0, "password=oldpw\n", NULL, "for the same JID");
	run(&r, "-j", "dave@example.org", NULL);
	expect(&r, 78, NULL, "no password for 'dave@example.org'",
	    "not for another JID");
	put(p, 0600, "alice@xmpp.example.org:5223 oldpw example.org\n");
	run(&r, NULL);
	expect(&r, 0, "jid=alice@example.org\npassword=oldpw\n"
	    "server=xmpp.example.org:5223 ", NULL,
	    "old format with a port and a component");
	put(p, 0600, "username: bob\njserver: example.net\nport: 5223\n"
	    "password: new pw\n");
	run(&r, NULL);
	expect(&r, 0, "jid=bob@example.net\npassword=new pw\n"
	    "server=example.net:5223 ", NULL, "sendxmpp 1.24 format");
	chmod(p, 0644);
	run(&r, NULL);
	snprintf(want, sizeof(want), "%s: holds a password but is readable "
	    "by others; run: chmod 600 %s\n", p, p);
	expect(&r, 78, NULL, want, "a readable ~/.sendxmpprc");
	put(cfg, 0600, "[x]\njid = carol@example.com\n");
	run(&r, NULL);
	expect(&r, 78, NULL, "no password for 'carol@example.com'",
	    "our config file comes first");
	unlink(cfg);
	unlink(p);
	put(g, 0600, "username: carol@example.com\njserver: "
	    "xmpp.example.com\npassword: gopw\nalias: c\n");
	run(&r, NULL);
	expect(&r, 0, "jid=carol@example.com\npassword=gopw\n"
	    "server=xmpp.example.com ", NULL, "go-sendxmpp's config");
	put(g, 0600, "username: carol@example.com\n"
	    "eval_password: echo evalpw\n");
	run(&r, NULL);
	expect(&r, 0, "jid=carol@example.com\npassword=evalpw\n"
	    "server=(null)", NULL, "go-sendxmpp's eval_password");
	setenv("XMPP_PASSWORD", "envpw", 1);
	run(&r, NULL);
	expect(&r, 0, "jid=carol@example.com\npassword=envpw\n", NULL,
	    "XMPP_PASSWORD comes first");
}

int
main(void)
{
	char tmpl[] = "/tmp/xt-account.XXXXXX";

	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", tmpl);
	snprintf(cfg, sizeof(cfg), "%s/xdg/xmpp-tools/config", dir);
	put(cfg, 0600, "");

	test_argv();
	test_usage_errors();
	test_numbers();
	test_server();
	test_pin();
	test_config();
	test_config_errors();
	test_password_sources();
	test_sendxmpp();

	if (tap_failed == 0) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return done_testing();
}
