/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options.c: the connection options every tool shares, and their checks. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>		/* isfinite(), a macro: no -lm */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xt.h"

#ifndef LIBXMPP_VERSION_MAJOR
#define LIBXMPP_VERSION_MAJOR 0
#define LIBXMPP_VERSION_MINOR 12
#endif

#define TIMEOUT_DEFAULT	30.0
#define TIMEOUT_MIN	0.001
#define TIMEOUT_MAX	86400.0

int xt_format_dot, xt_format_csv;
static int list_options, list_accounts;
static const char *const *commands;
struct xt_opts xt_opt;

static void count_verbose(poptContext, enum poptCallbackReason,
    const struct poptOption *, const char *, const void *);

/* The long names are public: scripts and config files depend on them.
 * There is deliberately no --password: see usage_error(). */
struct poptOption xt_conn_table[] = {
	{ NULL, '\0', POPT_ARG_CALLBACK, (void *)count_verbose, 0, NULL,
	    NULL },
	{ "jid", 'j', POPT_ARG_STRING, &xt_opt.jid, 0,
	    "log in as JID (default: $XMPP_JID or the config file)", "JID" },
	{ "account", 'a', POPT_ARG_STRING, &xt_opt.account, 0,
	    "use the account [NAME] of the config file", "NAME" },
	{ "config", 'F', POPT_ARG_STRING, &xt_opt.config, 0,
	    "read the config file FILE (default: $XMPP_CONFIG or "
	    "~/.config/xmpp-tools/config)", "FILE" },
	{ "password-file", '\0', POPT_ARG_STRING, &xt_opt.password_file, 0,
	    "read the password from the first line of FILE (mode 600)",
	    "FILE" },
	{ "password-fd", '\0', POPT_ARG_STRING, &xt_opt.password_fd, 0,
	    "read the password from the first line of file descriptor N",
	    "N" },
	{ "password-command", '\0', POPT_ARG_STRING, &xt_opt.password_command,
	    0, "run CMD with /bin/sh; the first line it prints is the "
	    "password", "CMD" },
	{ "server", 'S', POPT_ARG_STRING, &xt_opt.server, 0,
	    "connect to HOST (IPv6 in brackets) instead of looking up the "
	    "domain's SRV records", "HOST[:PORT]" },
	{ "tls", '\0', POPT_ARG_STRING, &xt_opt.tls, 0,
	    "STARTTLS (default), direct TLS, or no encryption at all",
	    "starttls|direct|none" },
	{ "cafile", '\0', POPT_ARG_STRING, &xt_opt.cafile, 0,
	    "trust the CA certificates in FILE (PEM) instead of the system's",
	    "FILE" },
	{ "capath", '\0', POPT_ARG_STRING, &xt_opt.capath, 0,
	    "trust the CA certificates in DIR (hashed) instead of the "
	    "system's", "DIR" },
	{ "insecure", 'k', POPT_ARG_NONE, &xt_opt.insecure, 0,
	    "do not verify the server's certificate (unsafe)", NULL },
	{ "pin", '\0', POPT_ARG_STRING, &xt_opt.pin, 0,
	    "accept only a server certificate with one of these SHA-256 "
	    "fingerprints (hex), instead of CA verification",
	    "SHA256[,SHA256...]" },
	{ "client-cert", '\0', POPT_ARG_STRING, &xt_opt.client_cert, 0,
	    "log in with the client certificate in FILE (SASL EXTERNAL)",
	    "FILE" },
	{ "client-key", '\0', POPT_ARG_STRING, &xt_opt.client_key, 0,
	    "the private key of --client-cert, if not in its file", "FILE" },
	{ "resource", '\0', POPT_ARG_STRING, &xt_opt.resource, 0,
	    "bind the resource RES (default: TOOL.RANDOM, so runs never clash)",
	    "RES" },
	{ "sasl", '\0', POPT_ARG_STRING, &xt_opt.sasl, 0,
	    "log in only with the SASL mechanism MECH (e.g. SCRAM-SHA-256)",
	    "MECH" },
	{ "timeout", 'w', POPT_ARG_STRING, &xt_opt.timeout, 0,
	    "give up after SECONDS, from DNS lookup to close (default 30)",
	    "SECONDS" },
	{ "output", 'o', POPT_ARG_STRING, &xt_opt.output, 0,
	    "output format: one stanza per line, JSON Lines, or "
	    "tab-separated text", "xml|json|text" },
	{ "verbose", 'v', POPT_ARG_NONE, NULL, 'v',
	    "show progress; twice: the XML traffic too (passwords hidden)",
	    NULL },
	{ "quiet", 'q', POPT_ARG_NONE, &xt_opt.quiet, 0,
	    "do not print warnings, only errors", NULL },
	{ "version", 'V', POPT_ARG_NONE, &xt_opt.version, 0,
	    "print the version and exit", NULL },
	/* For shell completion: what the completion scripts are made of. */
	{ "list-options", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN,
	    &list_options, 0, NULL, NULL },
	{ "list-accounts", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN,
	    &list_accounts, 0, NULL, NULL },
	POPT_TABLEEND
};

/* -v may be repeated: -vv and -v -v both count 2. */
static void
count_verbose(poptContext con, enum poptCallbackReason reason,
    const struct poptOption *opt, const char *arg, const void *data)
{
	(void)con;
	(void)arg;
	(void)data;
	if (reason == POPT_CALLBACK_REASON_OPTION && opt->val == 'v')
		xt_opt.verbose++;
}

/* ---- where values came from ---- */

static struct origin {
	const void *field;
	char *where;
} origins[64];
static size_t norigins;

void
xt_opt_set_origin(const void *field, const char *origin)
{
	size_t i;

	for (i = 0; i < norigins && origins[i].field != field; i++)
		;
	if (i == norigins) {
		if (norigins == sizeof(origins) / sizeof(origins[0]))
			xt_die(XT_SOFTWARE, "too many option origins");
		norigins++;
	}
	free(origins[i].where);
	origins[i].field = field;
	origins[i].where = origin ? strdup(origin) : NULL;
	if (origin != NULL && origins[i].where == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
}

const char *
xt_opt_origin(const void *field)
{
	size_t i;

	for (i = 0; i < norigins; i++)
		if (origins[i].field == field)
			return origins[i].where;
	return NULL;
}

/* Exit because the value of field (option key) is wrong: a usage error
 * when it came from argv, else a configuration error that says where. */
static void __attribute__((format(printf, 3, 4), noreturn))
bad_value(const void *field, const char *key, const char *fmt, ...)
{
	const char *where = xt_opt_origin(field);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where == NULL)
		xt_die(XT_USAGE, "invalid --%s %s", key, msg);
	if (where[0] == '$')
		xt_die(XT_CONFIG, "invalid %s %s", where + 1, msg);
	xt_die(XT_CONFIG, "%s: invalid %s %s", where, key, msg);
}

/* How to name option key in a message: "--key", "key (FILE:LINE)" or
 * "NAME" for an environment variable. */
static const char *
describe(const void *field, const char *key, char *buf, size_t len)
{
	const char *where = xt_opt_origin(field);

	if (where == NULL)
		snprintf(buf, len, "--%s", key);
	else if (where[0] == '$')
		snprintf(buf, len, "%s", where + 1);
	else
		snprintf(buf, len, "%s (%s)", key, where);
	return buf;
}

/* Exit because two options that were both given do not go together. */
static void __attribute__((noreturn))
conflict(const void *f1, const char *k1, const void *f2, const char *k2,
    const char *why)
{
	char b1[512], b2[512];
	int code = XT_USAGE;

	if (xt_opt_origin(f1) != NULL || xt_opt_origin(f2) != NULL)
		code = XT_CONFIG;
	xt_die(code, "%s and %s cannot be used together%s%s",
	    describe(f1, k1, b1, sizeof(b1)), describe(f2, k2, b2, sizeof(b2)),
	    why ? ": " : "", why ? why : "");
}

/* ---- numbers ---- */

/* The numbers we read and print are in the C locale whatever LC_NUMERIC
 * the tool has set: "1.5" means the same everywhere. */
static locale_t
c_locale(void)
{
	static locale_t c;

	if (c == (locale_t)0 &&
	    (c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)) == (locale_t)0)
		xt_die(XT_SOFTWARE, "cannot create the C locale");
	return c;
}

/* NULL if s is a plain decimal number in [min, max] (whole if asked),
 * stored in *out; else why not, in a static buffer. */
static const char *
number(const char *s, double min, double max, int whole, double *out)
{
	static char why[128];
	locale_t old;
	char *end;
	double d;

	if (*s == '\0' || strspn(s, "0123456789.+-eE") != strlen(s))
		return "not a number";
	errno = 0;
	d = strtod_l(s, &end, c_locale());
	if (end == s || *end != '\0' || !isfinite(d) || errno == ERANGE)
		return "not a number";
	if (d < min || d > max || (whole && d != (double)(long long)d)) {
		old = uselocale(c_locale());
		snprintf(why, sizeof(why), "must be a%s number between %.15g "
		    "and %.15g", whole ? " whole" : "", min, max);
		uselocale(old);
		return why;
	}
	*out = d;
	return NULL;
}

double
xt_parse_number(const char *opt, const char *s, double min, double max)
{
	const char *why;
	double d;

	if ((why = number(s, min, max, 0, &d)) != NULL)
		xt_die(XT_USAGE, "invalid %s '%s': %s", opt, s, why);
	return d;
}

/* Check the option at field (a string of xt_opt) as a number. */
static double
check_number(char **field, const char *key, double min, double max,
    int whole)
{
	const char *why;
	double d;

	if ((why = number(*field, min, max, whole, &d)) != NULL)
		bad_value(field, key, "'%s': %s", *field, why);
	return d;
}

/* ---- argv ---- */

/* The short option ch in table or the tables it includes, or NULL. */
static const struct poptOption *
find_short(const struct poptOption *t, char ch)
{
	const struct poptOption *o;

	for (; t->longName || t->shortName || t->argInfo; t++) {
		if ((t->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			if ((o = find_short(t->arg, ch)) != NULL)
				return o;
		} else if (t->shortName == ch) {
			return t;
		}
	}
	return NULL;
}

/* The option popt did not know in word, without anything after '=' or
 * the rest of a cluster of short options: those may be a password. */
static void
bad_option_name(const char *word, const struct poptOption *table,
    char *buf, size_t len)
{
	const struct poptOption *o;
	const char *p;
	int type;

	if (word[0] == '-' && word[1] == '-') {
		snprintf(buf, len, "%.*s", (int)strcspn(word, "="), word);
		return;
	}
	for (p = word + (word[0] == '-'); *p != '\0'; p++) {
		if ((o = find_short(table, *p)) == NULL)
			break;
		type = o->argInfo & POPT_ARG_MASK;
		if (type != POPT_ARG_NONE && type != POPT_ARG_VAL)
			break;	/* the rest is its argument */
	}
	snprintf(buf, len, "-%c", *p ? *p : '?');
}

/* Report a popt error (rc from poptGetNextOpt) and exit 64. */
static void __attribute__((noreturn))
usage_error(poptContext con, const struct poptOption *table, int rc)
{
	const char *word = poptBadOption(con, POPT_BADOPTION_NOALIAS);
	char name[256];

	bad_option_name(word ? word : "?", table, name, sizeof(name));
	/* Freed before exiting so leak checkers stay quiet. */
	poptFreeContext(con);
	if (rc == POPT_ERROR_BADOPT) {
		if (strcmp(name, "--password") == 0 ||
		    strcmp(name, "--passwd") == 0 ||
		    strcmp(name, "--pass") == 0 || strcmp(name, "-p") == 0)
			xt_die(XT_USAGE, "unknown option '%s': a password is "
			    "never accepted on the command line: use "
			    "--password-file, --password-fd, "
			    "--password-command or XMPP_PASSWORD", name);
		if (xt_die_hook != NULL)
			xt_die(XT_USAGE, "unknown option '%s'", name);
		xt_error("unknown option '%s'", name);
	} else if (rc == POPT_ERROR_NOARG) {
		if (xt_die_hook != NULL)
			xt_die(XT_USAGE, "option '%s' needs an argument", name);
		xt_error("option '%s' needs an argument", name);
	} else {
		if (xt_die_hook != NULL)
			xt_die(XT_USAGE, "%s: %s", name, poptStrerror(rc));
		xt_error("%s: %s", name, poptStrerror(rc));
	}
	fprintf(stderr, "try '%s --help' for more information\n",
	    xt_progname);
	exit(XT_USAGE);
}

long
xt_parse_whole(const char *opt, const char *s, double min, double max)
{
	double v = xt_parse_number(opt, s, min, max);

	if (v != floor(v))
		xt_die(XT_USAGE, "invalid %s '%s': must be a whole number", opt,
		    s);
	return (long)v;
}

void
xt_conn_rename(const char *from, const char *to)
{
	int i;

	for (i = 0; xt_conn_table[i].longName != NULL ||
	    xt_conn_table[i].argInfo != 0; i++)
		if (xt_conn_table[i].longName != NULL &&
		    strcmp(xt_conn_table[i].longName, from) == 0)
			xt_conn_table[i].longName = to;
}

void
xt_set_commands(const char *const *names)
{
	commands = names;
}

/* "option<TAB>--long<TAB>-s<TAB>ARG" for each option that --help shows
 * (ARG empty for a flag, else as --help names it: FILE, xml|json|text). */
static void
print_options(const struct poptOption *t)
{
	for (; t->longName != NULL || t->shortName != '\0' || t->argInfo != 0;
	    t++) {
		if ((t->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			print_options(t->arg);
			continue;
		}
		if (t->longName == NULL ||
		    (t->argInfo & POPT_ARGFLAG_DOC_HIDDEN))
			continue;
		printf("option\t--%s\t", t->longName);
		if (t->shortName != '\0')
			printf("-%c", t->shortName);
		printf("\t%s\n", (t->argInfo & POPT_ARG_MASK) ==
		    POPT_ARG_NONE || (t->argInfo & POPT_ARG_MASK) ==
		    POPT_ARG_VAL ? "" : t->argDescrip ? t->argDescrip : "ARG");
	}
}

poptContext
xt_parse_args(int argc, const char **argv, const struct poptOption *table,
    const char *usage_args)
{
	static char *usage;	/* popt keeps the pointer */
	poptContext con;
	int rc, i;

	/* A tool with more formats says so in --help. */
	for (i = 0; xt_conn_table[i].longName != NULL ||
	    xt_conn_table[i].argInfo != 0; i++)
		if (xt_conn_table[i].longName != NULL &&
		    strcmp(xt_conn_table[i].longName, "output") == 0 &&
		    (xt_format_dot || xt_format_csv)) {
			xt_conn_table[i].argDescrip = xt_format_dot ?
			    "xml|json|text|dot" : "xml|json|text|csv";
			xt_conn_table[i].descrip = xt_format_dot ?
			    "output format: one stanza per line, JSON Lines, "
			    "tab-separated text, or Graphviz" :
			    "output format: one stanza per line, JSON Lines, "
			    "tab-separated text, or CSV";
		}
	con = poptGetContext(xt_progname, argc, argv, table, 0);
	if (con == NULL)
		xt_die(XT_SOFTWARE, "cannot parse the command line");
	free(usage);
	if (asprintf(&usage, "[OPTION...]%s%s", usage_args ? " " : "",
	    usage_args ? usage_args : "") < 0)
		xt_die(XT_SOFTWARE, "out of memory");
	poptSetOtherOptionHelp(con, usage);
	/* Every option writes through its arg pointer; a positive return
	 * is an option without one, which the tables do not have. */
	while ((rc = poptGetNextOpt(con)) > 0)
		;
	if (rc != -1)
		usage_error(con, table, rc);
	if (list_options) {
		print_options(table);
		for (i = 0; commands != NULL && commands[i] != NULL; i++)
			printf("command\t%s\n", commands[i]);
		xt_close_stdout();
		exit(XT_OK);
	}
	if (list_accounts) {
		xt_config_accounts(&xt_opt, stdout);
		xt_close_stdout();
		exit(XT_OK);
	}
	if (xt_opt.version) {
		printf("%s %s (libstrophe %d.%d)\n", xt_progname, XT_VERSION,
		    LIBXMPP_VERSION_MAJOR, LIBXMPP_VERSION_MINOR);
		xt_close_stdout();
		exit(XT_OK);
	}
	xt_verbose = xt_opt.verbose;
	xt_quiet = xt_opt.quiet;
	return con;
}

/* ---- checks ---- */

/* Fill *field from the environment variable name if argv left it unset. */
static void
from_env(char **field, const char *name)
{
	const char *v = getenv(name);
	char where[64];

	if (*field != NULL || v == NULL || *v == '\0')
		return;
	if ((*field = strdup(v)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	snprintf(where, sizeof(where), "$%s", name);
	xt_opt_set_origin(field, where);
}

/* At most one password source on the command line. */
static void
check_password_options(const struct xt_opts *o)
{
	if (o->password_fd && o->password_file)
		conflict(&o->password_fd, "password-fd", &o->password_file,
		    "password-file", NULL);
	if (o->password_fd && o->password_command)
		conflict(&o->password_fd, "password-fd", &o->password_command,
		    "password-command", NULL);
	if (o->password_file && o->password_command)
		conflict(&o->password_file, "password-file",
		    &o->password_command, "password-command", NULL);
}

static void
check_tls(struct xt_opts *o)
{
	if (o->tls == NULL || strcmp(o->tls, "starttls") == 0)
		o->tls_mode = XT_TLS_STARTTLS;
	else if (strcmp(o->tls, "direct") == 0)
		o->tls_mode = XT_TLS_DIRECT;
	else if (strcmp(o->tls, "none") == 0)
		o->tls_mode = XT_TLS_NONE;
	else
		bad_value(&o->tls, "tls", "'%s': expected starttls, direct "
		    "or none", o->tls);
}

static void
check_output(struct xt_opts *o, enum xt_format def)
{
	if (o->output == NULL)
		o->format = def;
	else if (strcmp(o->output, "xml") == 0)
		o->format = XT_FMT_XML;
	else if (strcmp(o->output, "json") == 0)
		o->format = XT_FMT_JSON;
	else if (strcmp(o->output, "text") == 0)
		o->format = XT_FMT_TEXT;
	else if (strcmp(o->output, "dot") == 0 && xt_format_dot)
		o->format = XT_FMT_DOT;
	else if (strcmp(o->output, "csv") == 0 && xt_format_csv)
		o->format = XT_FMT_CSV;
	else
		bad_value(&o->output, "output", "'%s': expected xml, json%s "
		    "text%s", o->output, xt_format_dot || xt_format_csv ? "," :
		    " or", xt_format_dot ? " or dot" : xt_format_csv ?
		    " or csv" : "");
}

/* --server HOST, HOST:PORT, [IPV6] or [IPV6]:PORT. */
static void
check_server(struct xt_opts *o)
{
	const char *s = o->server, *host, *port = NULL, *end;
	struct in6_addr in6;
	size_t hlen;
	double d;
	char *tmp;

	o->server_host = NULL;
	o->server_port = 0;
	if (s == NULL)
		return;
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL)
			bad_value(&o->server, "server", "'%s': missing ']' "
			    "after the IPv6 address", s);
		host = s + 1;
		hlen = end - host;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			bad_value(&o->server, "server", "'%s': expected "
			    "':PORT' after ']'", s);
	} else {
		host = s;
		hlen = strcspn(s, ":");
		if (s[hlen] == ':') {
			port = s + hlen + 1;
			if (strchr(port, ':') != NULL)
				bad_value(&o->server, "server", "'%s': write "
				    "an IPv6 address in brackets, as in "
				    "[::1]:5222", s);
		}
	}
	if (hlen == 0)
		bad_value(&o->server, "server", "'%s': empty host name", s);
	if ((o->server_host = strndup(host, hlen)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (s[0] == '[' && inet_pton(AF_INET6, o->server_host, &in6) != 1)
		bad_value(&o->server, "server", "'%s': not an IPv6 address "
		    "in the brackets", s);
	for (tmp = o->server_host; *tmp != '\0'; tmp++)
		if (isspace((unsigned char)*tmp) || iscntrl((unsigned char)*tmp)
		    || strchr("/@[]", *tmp) != NULL)
			bad_value(&o->server, "server", "'%s': not a host "
			    "name", s);
	if (port != NULL) {
		if (number(port, 1, 65535, 1, &d) != NULL)
			bad_value(&o->server, "server", "'%s': the port must "
			    "be a number between 1 and 65535", s);
		o->server_port = (unsigned short)d;
	}
}

/* One fingerprint: 64 hex digits, or 32 pairs separated by colons as
 * openssl x509 -fingerprint prints them. Appends the lowercase hex to
 * out; 0 if item is not a fingerprint. */
static int
pin_item(const char *item, size_t len, char *out)
{
	size_t i, n = 0;
	int colons = len > 64;

	for (i = 0; i < len; i++) {
		if (colons && i % 3 == 2) {
			if (item[i] != ':')
				return 0;
			continue;
		}
		if (!isxdigit((unsigned char)item[i]) || n == 64)
			return 0;
		out[n++] = tolower((unsigned char)item[i]);
	}
	out[n] = '\0';
	return n == 64 && (!colons || len == 95);
}

/* Check --pin and rewrite it as lowercase hex without colons, comma
 * separated, which is what xt_tls_pin_match() compares against. */
static void
check_pin(struct xt_opts *o)
{
	const char *p, *item;
	size_t len, n = 0;
	char *norm;

	if (o->pin == NULL)
		return;
	if ((norm = malloc(strlen(o->pin) + 66)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (p = o->pin;; p++) {
		p += strspn(p, " \t");
		item = p;
		len = strcspn(p, ",");
		p += len;
		while (len > 0 && (item[len - 1] == ' ' ||
		    item[len - 1] == '\t'))
			len--;
		if (!pin_item(item, len, norm + n))
			bad_value(&o->pin, "pin", "'%.*s': expected a SHA-256 "
			    "fingerprint of 64 hex digits (colons allowed)",
			    (int)len, item);
		n += 64;
		if (*p == '\0')
			break;
		norm[n++] = ',';
	}
	free(o->pin);
	o->pin = norm;
}

/* RFC 4422 3.1: 1 to 20 of A-Z, 0-9, '-', '_'. Lowercase is accepted
 * and made uppercase. */
static void
check_sasl(struct xt_opts *o)
{
	char *p;

	if (o->sasl == NULL)
		return;
	for (p = o->sasl; *p != '\0'; p++)
		*p = toupper((unsigned char)*p);
	if (*o->sasl == '\0' || strlen(o->sasl) > 20 ||
	    strspn(o->sasl, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
	    strlen(o->sasl))
		bad_value(&o->sasl, "sasl", "'%s': not a SASL mechanism name",
		    o->sasl);
}

static void
check_resource(struct xt_opts *o)
{
	const unsigned char *p;

	if (o->resource == NULL)
		return;
	if (*o->resource == '\0' || strlen(o->resource) > 1023)
		bad_value(&o->resource, "resource", "'%s': must be 1 to 1023 "
		    "bytes long", o->resource);
	for (p = (const unsigned char *)o->resource; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			bad_value(&o->resource, "resource", "'%s': contains "
			    "a control character", o->resource);
}

/* Files named by options must be readable now, not halfway through a
 * TLS handshake where the error would be obscure. */
static void
check_readable(char **field, const char *key, int mode)
{
	char buf[512];

	if (*field != NULL && access(*field, mode) != 0)
		xt_die(XT_CONFIG, "cannot read %s '%s': %s",
		    describe(field, key, buf, sizeof(buf)), *field,
		    xt_strerror(errno));
}

void
xt_opts_finish(enum xt_format default_format)
{
	struct xt_opts *o = &xt_opt;
	const char *why;
	char buf[512];

	check_password_options(o);
	from_env(&o->jid, "XMPP_JID");
	from_env(&o->config, "XMPP_CONFIG");
	xt_config_load(o);
	if (o->quiet)
		xt_quiet = 1;

	if (o->jid == NULL)
		xt_die(XT_CONFIG, "no account: give --jid, set XMPP_JID or add "
		    "an account to %s", xt_config_path());
	if (!xt_jid_valid(o->jid, &why))
		bad_value(&o->jid, "jid", "'%s': %s", o->jid, why);
	xt_jid_strip_dot(o->jid);
	check_tls(o);
	check_output(o, default_format);
	o->timeout_s = TIMEOUT_DEFAULT;
	if (o->timeout != NULL)
		o->timeout_s = check_number(&o->timeout, "timeout",
		    TIMEOUT_MIN, TIMEOUT_MAX, 0);
	o->pw_fd = -1;
	if (o->password_fd != NULL)
		o->pw_fd = (int)check_number(&o->password_fd, "password-fd",
		    0, INT_MAX, 1);
	check_server(o);
	check_pin(o);
	check_sasl(o);
	check_resource(o);

	if (o->insecure && o->pin != NULL)
		conflict(&o->insecure, "insecure", &o->pin, "pin",
		    "a pin already replaces certificate verification");
	if (o->client_key != NULL && o->client_cert == NULL)
		xt_die(xt_opt_origin(&o->client_key) ? XT_CONFIG : XT_USAGE,
		    "%s needs --client-cert", describe(&o->client_key,
		    "client-key", buf, sizeof(buf)));
	check_readable(&o->cafile, "cafile", R_OK);
	check_readable(&o->capath, "capath", R_OK | X_OK);
	check_readable(&o->client_cert, "client-cert", R_OK);
	check_readable(&o->client_key, "client-key", R_OK);
}
