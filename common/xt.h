/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xt.h: the shared library of xmpp-tools, one section per source file. */
#ifndef XT_H
#define XT_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <popt.h>
#include <strophe.h>

#define XT_VERSION "0.1.0"

/* Exit status, the same in every tool (sysexits where one fits). */
enum {
	XT_OK = 0,
	XT_NEGATIVE = 1,	/* error reply, no pong, not delivered */
	XT_USAGE = 64,
	XT_DATAERR = 65,
	XT_NOINPUT = 66,	/* an input file cannot be read */
	XT_UNAVAILABLE = 69,	/* cannot connect, stream error */
	XT_SOFTWARE = 70,
	XT_IOERR = 74,
	XT_TEMPFAIL = 75,	/* timeout */
	XT_NOPERM = 77,		/* authentication or certificate rejected */
	XT_CONFIG = 78
};

/* ---- diag.c: diagnostics on stderr ---- */

extern const char *xt_progname;
extern int xt_verbose;		/* -v count */
extern int xt_quiet;		/* -q: no warnings */

/* If set, xt_die() calls it instead of printing (it must not return). */
extern void (*xt_die_hook)(int code, const char *msg);
/* Set the program name used as prefix of every message. */
void xt_init(const char *argv0);
/* "prog: message" on stderr unless --quiet. */
void xt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message" on stderr, even with --quiet. */
void xt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print an error and exit with code. */
void xt_die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* Progress message when -v was given at least level times. */
void xt_info(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* strerror() in the lowercase of our messages (static buffer). */
const char *xt_strerror(int err);
/* The SIGINT/SIGTERM received since xt_catch_stop_signals(), or 0. */
extern volatile sig_atomic_t xt_signalled;
void xt_catch_stop_signals(void);
/* Monotonic clock in seconds. */
double xt_now(void);
/* Flush and close stdout; exit 74 with a message if that fails. */
void xt_close_stdout(void);
/* 1 if stdout was closed when the tool started (xt_init parks it on
 * /dev/null read-only, so writing to it fails). */
extern int xt_stdout_closed;
/* Exit 74 if stdout was closed at the start: for a tool or mode whose
 * job is output, before it starts the work. */
void xt_need_stdout(void);
/* 1 if the reader of a pipe on stdout has gone (`| head -1`), seen
 * without writing (POLLERR). */
int xt_stdout_gone(void);

/* ---- alloc.c: memory, or exit 70 ---- */

/* strdup(), NULL for NULL. */
char *xt_strdup(const char *s);
/* Make room in array p of n elements of size for element n: call before
 * each append (it reallocates at powers of two). */
void *xt_grow(void *p, size_t n, size_t size);

/* ---- strset.c: a set of strings ---- */

struct xt_strset;

struct xt_strset *xt_strset_new(void);
/* 1 if key was added, 0 if it was there already (a copy is kept). */
int xt_strset_add(struct xt_strset *s, const char *key);
int xt_strset_has(const struct xt_strset *s, const char *key);
/* 1 if key was there and is removed. */
int xt_strset_remove(struct xt_strset *s, const char *key);
size_t xt_strset_count(const struct xt_strset *s);
void xt_strset_free(struct xt_strset *s);

/* ---- progress.c: a progress line on a terminal ---- */

/* Start showing progress of what (total 0: unknown) on stderr if it is a
 * terminal and -q was not given; nothing otherwise. */
void xt_progress_start(const char *what, unsigned long long total);
/* The same for a count of bytes, shown as sizes (1.2 MB). */
void xt_progress_start_bytes(const char *what, unsigned long long total);
/* n bytes for a person: "512 bytes", "1.2 MB" (powers of 1000). */
const char *xt_size(unsigned long long n, char *buf, size_t len);
/* The total, once known (0: unknown). */
void xt_progress_total(unsigned long long total);
/* done of total so far: drawn at most every 0.1 s, from 0.3 s on. */
void xt_progress(unsigned long long done);
/* Erase the line (messages do it themselves), and at the end for good. */
void xt_progress_clear(void);
void xt_progress_end(void);

/* ---- options.c: the connection options every tool shares ---- */

enum xt_tls { XT_TLS_STARTTLS, XT_TLS_DIRECT, XT_TLS_NONE };
enum xt_format { XT_FMT_XML, XT_FMT_JSON, XT_FMT_TEXT, XT_FMT_DOT,
	XT_FMT_CSV };
/* Set by a tool that can write Graphviz (-o dot) or CSV (-o csv), before
 * xt_opts_finish. */
extern int xt_format_dot, xt_format_csv;

/* Every field may come from argv, the environment or the config file.
 * Strings are NULL when unset; xt_opt_origin() tells where a value came
 * from when it was not argv. */
struct xt_opts {
	char *jid;
	char *account;
	char *config;
	char *password_file;
	char *password_fd;	/* string until checked */
	char *password_command;
	char *server;		/* HOST[:PORT], IPv6 literal in [] */
	char *tls;		/* starttls|direct|none */
	char *cafile;
	char *capath;
	int insecure;
	char *pin;		/* SHA-256 fingerprints, comma separated */
	char *client_cert;
	char *client_key;
	char *resource;
	char *sasl;		/* force a SASL mechanism */
	char *timeout;		/* seconds, string until checked */
	char *output;		/* xml|json|text */
	int verbose;
	int quiet;
	int version;

	/* checked values, filled by xt_opts_finish() */
	enum xt_tls tls_mode;
	enum xt_format format;
	double timeout_s;
	int pw_fd;
	char *server_host;	/* without brackets */
	unsigned short server_port;	/* 0: default for tls_mode */
	char *password;		/* filled by xt_account_password() */
};

extern struct xt_opts xt_opt;
/* The shared popt table; include it with POPT_ARG_INCLUDE_TABLE. */
extern struct poptOption xt_conn_table[];
/* The subcommands of a tool (NULL-terminated), for --list-options; set
 * before xt_parse_args. */
void xt_set_commands(const char *const *names);
/* A tool whose own option has the long name of a connection option
 * gives the connection option another name (before xt_parse_args). */
void xt_conn_rename(const char *from, const char *to);
/* Parse argv with a tool's table; exit 64 on a usage error. usage_args
 * follows "[OPTION...]" in the usage line. Returns the popt context
 * positioned after the options (for poptGetArgs). */
poptContext xt_parse_args(int argc, const char **argv,
    const struct poptOption *table, const char *usage_args);
/* Apply environment and config file, check every value; exit on error.
 * default_format is the tool's default --output. */
void xt_opts_finish(enum xt_format default_format);
/* Parse a decimal number within [min, max]; exit 64 naming opt (as the
 * user wrote it: "--count") if not. */
double xt_parse_number(const char *opt, const char *s, double min,
    double max);
/* The same for a whole number. */
long xt_parse_whole(const char *opt, const char *s, double min, double max);
/* Record where a field of struct xt_opts got its value when not from
 * argv: "FILE:LINE", or "$NAME" for an environment variable. A bad value
 * is then reported there, with exit 78 instead of 64. */
void xt_opt_set_origin(const void *field, const char *origin);
/* The origin recorded for field, or NULL (argv, default or unset). */
const char *xt_opt_origin(const void *field);

/* ---- account.c: credentials and the config file ---- */

/* Load the config file into unset fields of o; exit 78 on errors
 * (unreadable, syntax error, password in a group/world readable file). */
void xt_config_load(struct xt_opts *o);
/* Make sure o->password is set when the chosen login needs one,
 * trying every source in order; exit 78/77 when none works. */
void xt_account_password(struct xt_opts *o);
/* Wipe and free the password. */
void xt_account_forget(struct xt_opts *o);
/* The names of the account sections of the config file, one per line
 * (for shell completion; nothing if there is no file). */
void xt_config_accounts(struct xt_opts *o, FILE *out);
/* The config file xt_config_load() read or looked for. */
const char *xt_config_path(void);

/* A secret (a room's password) from the first line of path, within the
 * tool's timeout; exit 78 or 75 naming what. malloc'd. */
char *xt_account_secret_file(const char *path, const char *what);

/* ---- file.c: small input files, bounded in size and time ---- */

#define XT_FILE_MAX	(1 << 20)	/* config files, recipient lists */

struct stat;
/* Open path to read without blocking, also on a FIFO with no writer;
 * -1 with errno (EISDIR for a directory). st gets its fstat(). */
int xt_file_open(const char *path, struct stat *st);
/* The whole of fd, NUL-terminated, of at most max bytes (len: its
 * length): exit 78 naming what when it is larger or unreadable, 75 when
 * deadline (xt_now() time, 0: none) passes first. malloc'd. */
char *xt_file_read(int fd, size_t max, double deadline, const char *what,
    size_t *len);
/* The same for a file of data (an import): larger is exit 65, a read
 * error 74. */
char *xt_file_read_data(int fd, size_t max, double deadline,
    const char *what, size_t *len);
/* xt_file_open() and xt_file_read() in one; exit 78 if it cannot open. */
char *xt_file_slurp(const char *path, size_t max, double deadline,
    const char *what, size_t *len, struct stat *st);
/* The line (from 1) of the first NUL byte in buf, 0 if there is none. */
unsigned long xt_file_nul_line(const char *buf, size_t len);

/* ---- jid.c: JID checks (RFC 7622) ---- */

/* 1 if s is a syntactically valid JID; else 0 and *why says why. */
int xt_jid_valid(const char *s, const char **why);
/* Drop the dot that may end a domainpart (RFC 7622 3.2), in place. */
void xt_jid_strip_dot(char *s);
/* s with every letter in lowercase (Unicode, as servers casefold the
 * local and domain parts of a JID); malloc'd, NULL if s is not UTF-8. */
char *xt_jid_fold(const char *s);

/* ---- dns.c: where to connect ---- */

struct xt_target {
	char host[256];		/* name, as given or from SRV */
	char addr[64];		/* numeric address */
	unsigned short port;
	int direct_tls;		/* from _xmpps-client or --tls=direct */
};

/* Resolve the list of addresses to try, in order: --server, else SRV
 * (RFC 6120 3.2.1, XEP-0368), else the domain itself. Returns the count
 * (malloc'd list in *out) or -1 with a message in err. */
int xt_resolve(const char *domain, const struct xt_opts *o,
    struct xt_target **out, char *err, size_t errlen);

/* ---- link.c: is the connection moving ---- */

/* 1 if the peer has acknowledged or sent bytes on the TCP socket fd
 * since the counters were last read (kept in *acked, *received). */
int xt_link_moved(int fd, unsigned long long *acked,
    unsigned long long *received);

/* ---- datetime.c: XEP-0082 date-times ---- */

/* Parse CCYY-MM-DDThh:mm:ss[.sss](Z|+hh:mm|-hh:mm) into *t; -1 if s is
 * not one. */
int xt_datetime_parse(const char *s, time_t *t);
/* t as CCYY-MM-DDThh:mm:ssZ, the one form we print. */
void xt_datetime_format(time_t t, char *buf, size_t len);
/* A time given by the user (option opt): ISO 8601 in UTC, with or
 * without the Z, a date alone, or 30s, 30m, 2h, 7d ago; exit 64 if s is
 * none of those. */
double xt_parse_since(const char *opt, const char *s);

/* ---- tls.c: trust and certificates ---- */

/* Set up OpenSSL's trust store for one handshake: only cafile/capath
 * when given, else the system store without parsing the whole bundle
 * (see LIBSTROPHE.md). xt_tls_trust_end() restores the environment so
 * programs we start later see the user's own. */
void xt_tls_trust_begin(const char *cafile, const char *capath);
void xt_tls_trust_end(void);
/* Expiry of a certificate as UTC seconds; -1 if unknown. */
long long xt_tls_cert_expiry(const xmpp_tlscert_t *cert);
/* 1 if the lowercase hex SHA-256 fingerprint matches one of the pins. */
int xt_tls_pin_match(const char *pins, const char *fingerprint);
/* Check a --pin value; 0 if valid. */
int xt_tls_pin_valid(const char *pins);

/* ---- sasl.c: SASL mechanisms (RFC 4422, 4616, 5802, 7677) ---- */

struct xt_scram;

/* Pick a mechanism from the offered list (space separated) under our
 * policy; NULL and a reason in *why if none is acceptable. */
const char *xt_sasl_choose(const char *offered, const char *forced,
    int secured, int have_cert, int anonymous, const char **why);
/* Start SCRAM with hash "SHA-1", "SHA-256" or "SHA-512"; nonce NULL for
 * a random one (tests pass a fixed one). */
struct xt_scram *xt_scram_new(const char *hash, const char *user,
    const char *password, const char *nonce);
/* The client-first message (owned by s). */
const char *xt_scram_first(struct xt_scram *s);
/* Compute the client-final message from the server-first one; NULL and a
 * reason in *why on a bad challenge. Owned by s. */
const char *xt_scram_final(struct xt_scram *s, const char *server_first,
    const char **why);
/* 0 if the server-final message proves the server knows the password. */
int xt_scram_verify(struct xt_scram *s, const char *server_final,
    const char **why);
void xt_scram_free(struct xt_scram *s);
/* PLAIN initial response "\0user\0password" (RFC 4616); *len set. */
char *xt_sasl_plain(const char *authcid, const char *password, size_t *len);
/* Base64 helpers; results are malloc'd, decode returns NULL if invalid. */
char *xt_base64_encode(const void *data, size_t len);
unsigned char *xt_base64_decode(const char *s, size_t *len);

/* ---- session.c: one connection, from DNS to close ---- */

enum xt_phase {
	XT_PH_DNS, XT_PH_TCP, XT_PH_TLS, XT_PH_SASL, XT_PH_BIND, XT_PH_NPHASES
};

struct xt_session;

/* A new session for the account in xt_opt. */
struct xt_session *xt_session_new(void);
/* Connect and log in; 0 when online, else an exit code (message printed
 * unless quiet-on-failure is wanted by the caller: see xt_session_error). */
int xt_session_connect(struct xt_session *s);
/* A SIGINT/SIGTERM caught (xt_catch_stop_signals) ends a login under way
 * at once, with 75 "interrupted", instead of when it completes or -w. */
void xt_session_interruptible(struct xt_session *s);
/* Run the event loop until done(arg) returns non-zero, the session fails,
 * or the deadline passes. Returns 0 or the exit code of the failure. */
int xt_session_run(struct xt_session *s, int (*done)(void *), void *arg);
/* While online, call cb(arg) whenever fd is readable (or at its end). */
void xt_session_watch(struct xt_session *s, int fd, void (*cb)(void *),
    void *arg);
/* Stop or resume watching (back-pressure). */
void xt_session_pause_input(struct xt_session *s, int paused);
/* After a failure: drop the old stream, connect and log in again. */
int xt_session_reconnect(struct xt_session *s);
/* 1 if the recorded failure may go away by connecting again (a lost or
 * dead connection; not authentication, certificates or a resource
 * conflict). */
int xt_session_retryable(const struct xt_session *s);
/* 1 while logged in and no failure is recorded. */
int xt_session_online(const struct xt_session *s);
/* Record a failure (the first one wins) and stop the loop. */
int xt_session_fail(struct xt_session *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The message of the recorded failure, or NULL. */
const char *xt_session_error(const struct xt_session *s);
/* The exit code of the recorded failure, or 0. */
int xt_session_status(const struct xt_session *s);
/* Send a stanza (not consumed). */
void xt_session_send(struct xt_session *s, xmpp_stanza_t *st);
/* Send one serialised stanza as it is. */
void xt_session_send_raw(struct xt_session *s, const char *xml);
/* A fresh unique id for a stanza (owned by s, valid until the next call). */
const char *xt_session_id(struct xt_session *s);
/* 1 if id is one the session made: its login's requests, and those of
 * xt_session_id(). */
int xt_session_own_id(const struct xt_session *s, const char *id);
/* Set the deadline to seconds from now (0: none). */
void xt_session_set_deadline(struct xt_session *s, double seconds);
/* What a timeout of the session's deadline says it was doing: "timed out
 * after 30 s joining 'ROOM'"; doing NULL: the session's own again. */
void xt_session_doing(struct xt_session *s, const char *doing,
    const char *what);
/* A point in time (xt_now()) no deadline may pass, reconnects included:
 * the bound of a whole run (0: none). */
void xt_session_set_limit(struct xt_session *s, double when);
/* Seconds since the server last acknowledged or sent any bytes on this
 * connection (a slow reader is still moving). */
double xt_session_quiet(struct xt_session *s);
/* The condition of the stream error that ended the session, or "". */
const char *xt_session_stream_error(const struct xt_session *s);
/* The largest stanza the server accepts, as it advertised it after login
 * (XEP-0478), or 0 if it did not. */
size_t xt_session_max_stanza(const struct xt_session *s);
/* Milliseconds a login phase took, or -1 if it did not run. */
double xt_session_phase_ms(const struct xt_session *s, enum xt_phase p);
/* The full JID the server bound, the domain, and the libstrophe objects. */
const char *xt_session_jid(const struct xt_session *s);
const char *xt_session_domain(const struct xt_session *s);
xmpp_conn_t *xt_session_conn(struct xt_session *s);
xmpp_ctx_t *xt_session_ctx(struct xt_session *s);
/* Stop after the stream features that follow TLS: no login. */
void xt_session_set_probe(struct xt_session *s);
/* SASL mechanisms offered (space separated) and the one used, or NULL. */
const char *xt_session_mechanisms(const struct xt_session *s);
const char *xt_session_mechanism(const struct xt_session *s);
/* The namespaces of the stream features the server offered after TLS,
 * space separated ("" if none), and whether ns is one of them. */
const char *xt_session_features(const struct xt_session *s);
int xt_session_has_feature(const struct xt_session *s, const char *ns);
/* 1 if the server marked STARTTLS required, 0 if not, -1 not offered. */
int xt_session_starttls_required(const struct xt_session *s);
/* The server's certificate (owned by s), or NULL without TLS. */
xmpp_tlscert_t *xt_session_cert(const struct xt_session *s);
/* "ADDRESS:PORT" connected to, and whether it was direct TLS. */
const char *xt_session_address(struct xt_session *s);
int xt_session_direct_tls(const struct xt_session *s);
/* Sleep before reconnect attempt n (1, 2, 4 ... max seconds), waking
 * early for a signal or at deadline (0: none). */
void xt_backoff(long attempt, double max, double deadline);
/* Send </stream:stream> and drop the connection without waiting. */
void xt_session_close(struct xt_session *s);
void xt_session_free(struct xt_session *s);

/* ---- iq.c: request/response and the delivery barrier ---- */

/* Called with the reply, or NULL on timeout/disconnect. */
typedef void (*xt_iq_cb)(struct xt_session *s, xmpp_stanza_t *reply,
    void *arg);
/* Send iq (an id is set if missing) and call cb once with its reply.
 * The reply must come from the iq's "to" (or our server/bare JID when
 * "to" is empty or our own). */
void xt_iq_send(struct xt_session *s, xmpp_stanza_t *iq, xt_iq_cb cb,
    void *arg);
/* Send iq and wait for its reply (caller releases *reply). Returns 0 or
 * the session's exit code. */
int xt_iq_request(struct xt_session *s, xmpp_stanza_t *iq,
    xmpp_stanza_t **reply);
/* XEP-0199 ping to our server: returns 0 once the server has processed
 * every stanza sent before it, else an exit code. */
int xt_barrier(struct xt_session *s);
/* Every session answers iq get/set from bind to close as a client must:
 * XEP-0199 ping, XEP-0030 disco#info, XEP-0092 version, and
 * service-unavailable to anything else (RFC 6120 8.4). This sets the
 * extra disco#info features (call it before connecting). */
void xt_iq_serve(struct xt_session *s, const char *const *features);
/* A tool's own answer to iq get/set of namespace ns (the first child's):
 * fn must reply (xt_iq_reply_result, xt_iq_reply_error or its own). */
typedef void (*xt_iq_handler)(struct xt_session *s, xmpp_stanza_t *iq,
    xmpp_stanza_t *query, void *arg);
void xt_iq_on(struct xt_session *s, const char *ns, xt_iq_handler fn,
    void *arg);
/* An empty result, or an error of type (cancel, modify...) and
 * condition, to the request iq. */
void xt_iq_reply_result(struct xt_session *s, xmpp_stanza_t *iq);
void xt_iq_reply_error(struct xt_session *s, xmpp_stanza_t *iq,
    const char *type, const char *condition);
/* The answer owed to st if it is an iq get/set, as the session would
 * send it (NULL: no request, or a handler of xt_iq_on answered). */
xmpp_stanza_t *xt_iq_answer(struct xt_session *s, xmpp_stanza_t *st);
/* The tool answers requests itself, with xt_iq_answer() (to show them
 * in order), or not at all (a console's --passive). */
void xt_iq_manual(void);
/* Call from the event loop (a pump): a ping to our server every
 * interval seconds; no answer within interval, while nothing moves on the
 * link, fails the session with 75. */
void xt_keepalive(struct xt_session *s, double interval);
/* Drop the pending requests of a session (before a reconnect). */
void xt_iq_forget(struct xt_session *s);
/* ... and its handlers too (before freeing it). */
void xt_iq_release(struct xt_session *s);
/* Stop waiting for the reply to the request with this id (no callback). */
void xt_iq_cancel(struct xt_session *s, const char *id);
/* Condition name of an error stanza ("item-not-found"); never NULL:
 * "undefined-condition" when it names none. */
const char *xt_error_condition(xmpp_stanza_t *st);
/* Human-readable text of an error stanza, or NULL. */
const char *xt_error_text(xmpp_stanza_t *st);

/* ---- iqpool.c: many requests, a bounded number in flight ---- */

struct xt_iq_pool;

/* At most parallel requests in flight, max in all (0: no bound), wait
 * seconds for each reply (0: only the session's deadline). */
struct xt_iq_pool *xt_iq_pool_new(struct xt_session *s, int parallel,
    long max, double wait);
/* Queue iq (the pool takes it) and send it when a slot is free; cb gets
 * the reply, or NULL when none came within wait, or when it will not be
 * sent because max were (xt_iq_pool_unsent() is 1 during that call).
 * -1 (iq released, cb never called) once max requests were sent. A
 * callback may add more. _first puts it before those queued. */
int xt_iq_pool_add(struct xt_iq_pool *p, xmpp_stanza_t *iq, xt_iq_cb cb,
    void *arg);
int xt_iq_pool_add_first(struct xt_iq_pool *p, xmpp_stanza_t *iq,
    xt_iq_cb cb, void *arg);
int xt_iq_pool_unsent(const struct xt_iq_pool *p);
/* Requests never sent because max were. */
long xt_iq_pool_not_sent(const struct xt_iq_pool *p);
/* Fail the run with 75 when replies are due and the server has sent
 * nothing for seconds (for a run bounded by progress, not by -w). */
void xt_iq_pool_set_idle(struct xt_iq_pool *p, double seconds);
/* Run until every request added is answered or overdue; 0 or the exit
 * code of the session's failure. */
int xt_iq_pool_run(struct xt_iq_pool *p);
/* Requests sent, the most in flight at once, those never answered, and
 * whether max were sent. */
long xt_iq_pool_sent(const struct xt_iq_pool *p);
int xt_iq_pool_peak(const struct xt_iq_pool *p);
long xt_iq_pool_timeouts(const struct xt_iq_pool *p);
int xt_iq_pool_full(const struct xt_iq_pool *p);
void xt_iq_pool_free(struct xt_iq_pool *p);

/* ---- form.c: XEP-0004 data forms ---- */

struct xt_field {
	char *var, *type, *label;	/* NULL when absent */
	char **values;
	size_t nvalues;
	char **options;		/* list-*: the <option/> values */
	size_t noptions;
};

struct xt_form {
	char *type;		/* form, submit, result, cancel */
	const char *form_type;	/* the FORM_TYPE value, or NULL */
	char *title, *instructions;
	struct xt_field *fields;
	size_t nfields;
};

struct json_t;
/* 1 if st is <x xmlns="jabber:x:data"/>. */
int xt_form_is(xmpp_stanza_t *st);
/* The form in x (at most 1000 fields of 1000 values), NULL if x is none. */
struct xt_form *xt_form_parse(xmpp_stanza_t *x);
/* The field named var, or NULL. */
const struct xt_field *xt_form_field(const struct xt_form *f,
    const char *var);
/* {"form_type", "type", "title", "fields": [{"var", "type", "label",
 * "values": [...]}]}, absent values left out. */
struct json_t *xt_form_json(const struct xt_form *f);
/* One field of it: {"var", "type", "label", "values", "options"}. */
struct json_t *xt_form_field_json(const struct xt_field *fl);
void xt_form_free(struct xt_form *f);
/* Add a form of type (e.g. "submit") to parent, with a hidden FORM_TYPE
 * field unless form_type is NULL; returns it. */
xmpp_stanza_t *xt_form_add(xmpp_stanza_t *parent, const char *type,
    const char *form_type);
/* Give the field var (or prefix + var, for a short name without '#')
 * the value: replaced, or added to a multi-valued field when append.
 * Booleans take 1/0/true/false/yes/no, lists one of their options. 0, or
 * -1 with why (no such field, a bad value). */
int xt_form_set(struct xt_form *f, const char *var, const char *value,
    const char *prefix, int append, char *why, size_t whylen);
/* Add f's fields and values to parent as a form of type submit. */
xmpp_stanza_t *xt_form_add_submit(xmpp_stanza_t *parent,
    const struct xt_form *f);
/* Add a field with one value (none if value is NULL); returns it. */
xmpp_stanza_t *xt_form_add_field(xmpp_stanza_t *form, const char *var,
    const char *value);

/* ---- disco.c: XEP-0030 service discovery ---- */

#define XT_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define XT_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define XT_NS_RSM "http://jabber.org/protocol/rsm"

struct xt_identity {
	char *category, *type, *name, *lang;
};

struct xt_disco_info {
	struct xt_identity *ids;
	size_t nids;
	char **features;	/* sorted */
	size_t nfeatures;
	struct xt_form **forms;	/* XEP-0128 extended information */
	size_t nforms;
};

struct xt_disco_item {
	char *jid, *node, *name;
};

struct xt_disco_items {
	struct xt_disco_item *items;
	size_t n;
	char *last;		/* XEP-0059: the page's last id, or NULL */
	long count;		/* ... the items in all, -1 if not said */
};

/* A disco#info (items 0) or disco#items request to to (NULL: our
 * server), of node (may be NULL). */
xmpp_stanza_t *xt_disco_new(xmpp_ctx_t *ctx, const char *id, const char *to,
    const char *node, int items);
/* A disco#items request of one page of max items, after the id after
 * (NULL: the first page), XEP-0059. */
xmpp_stanza_t *xt_disco_items_page(xmpp_ctx_t *ctx, const char *to,
    const char *node, int max, const char *after);
/* What a result says; NULL if reply is no disco#info/items result. */
struct xt_disco_info *xt_disco_info_parse(xmpp_stanza_t *reply);
struct xt_disco_items *xt_disco_items_parse(xmpp_stanza_t *reply);
/* 1 if the entity advertises feature. */
int xt_disco_has(const struct xt_disco_info *d, const char *feature);
/* The first identity of category and type (NULL: any type), or NULL. */
const struct xt_identity *xt_disco_identity(const struct xt_disco_info *d,
    const char *category, const char *type);
/* The extended information form of this FORM_TYPE, or NULL. */
const struct xt_form *xt_disco_form(const struct xt_disco_info *d,
    const char *form_type);
void xt_disco_info_free(struct xt_disco_info *d);
void xt_disco_items_free(struct xt_disco_items *d);

/* ---- roster.c: the contact list (RFC 6121 2) ---- */

struct xt_roster_item {
	char *jid, *name;	/* name NULL when absent */
	char *subscription;	/* none, to, from, both, remove; NULL: none */
	char *ask;		/* "subscribe" or NULL */
	int approved;		/* pre-approved (RFC 6121 3.4) */
	char **groups;		/* sorted, each once */
	size_t ngroups;
};

struct xt_roster {
	struct xt_roster_item *items;	/* sorted by jid */
	size_t n;
	char *ver;
};

/* Read an <item/>; -1 (nothing to clear) if it is none or has no jid. */
int xt_roster_item_parse(xmpp_stanza_t *st, struct xt_roster_item *it);
void xt_roster_item_add_group(struct xt_roster_item *it, const char *group);
/* Sort the groups and drop repeated ones. */
void xt_roster_item_sort(struct xt_roster_item *it);
void xt_roster_item_clear(struct xt_roster_item *it);
/* The subscription, "none" when absent. */
const char *xt_roster_subscription(const struct xt_roster_item *it);
/* 1 if name and groups are the same (subscription is not compared). */
int xt_roster_same(const struct xt_roster_item *a,
    const struct xt_roster_item *b);
/* The items of a <query xmlns="jabber:iq:roster"/> (NULL: none). */
struct xt_roster *xt_roster_parse(xmpp_stanza_t *query);
/* Sort by JID; of an item listed twice the last one stays. */
void xt_roster_sort(struct xt_roster *r);
struct xt_roster_item *xt_roster_find(const struct xt_roster *r,
    const char *jid);
void xt_roster_free(struct xt_roster *r);
/* An iq set of the item (its name and groups), or of its removal. */
xmpp_stanza_t *xt_roster_set_new(xmpp_ctx_t *ctx, const char *id,
    const struct xt_roster_item *it, int remove);
/* Fetch the roster (with ver="" where versioning is offered): 0, a
 * negative answer (1, said) or the session's code. */
int xt_roster_get(struct xt_session *s, struct xt_roster **out);
/* Roster pushes: answered, cb called for each item (ver may be NULL);
 * a push from anyone but our server is refused and ignored. */
typedef void (*xt_roster_push_cb)(const struct xt_roster_item *it,
    const char *ver, void *arg);
void xt_roster_on_push(struct xt_session *s, xt_roster_push_cb cb,
    void *arg);

/* ---- stanza.c: building stanzas ---- */

/* Add <name xmlns=ns>text</name> to parent (ns, text may be NULL);
 * returns the child, owned by parent. */
xmpp_stanza_t *xt_stanza_add(xmpp_stanza_t *parent, const char *name,
    const char *ns, const char *text);
/* The text of st, "" if none, malloc'd (never NULL). */
char *xt_stanza_text(xmpp_stanza_t *st);
/* The text of parent's first child called name, NULL if there is none. */
char *xt_stanza_child_text(xmpp_stanza_t *parent, const char *name);
/* The id of st's XEP-0359 <stanza-id/> given by by (a room, our bare
 * JID), or NULL. */
const char *xt_stanza_id_by(xmpp_stanza_t *st, const char *by);
/* A XEP-0199 ping iq (to NULL: our server as the stream's peer). */
xmpp_stanza_t *xt_ping_new(xmpp_ctx_t *ctx, const char *id, const char *to);

/* ---- outq.c: stanzas kept until the server confirms them ---- */

struct xt_outq;

/* A stanza taken out of the queue unsent: len bytes, over limit (0: the
 * server ended the stream over it, policy-violation). tag as pushed. */
typedef void (*xt_refuse_cb)(const char *xml, size_t len, unsigned long tag,
    size_t limit, void *arg);

struct xt_outq *xt_outq_new(struct xt_session *s);
/* Messages per second at most (0: no limit). */
void xt_outq_set_rate(struct xt_outq *q, double per_second);
/* Barriers ask to (a ping that passes where the stanzas go: a room's
 * occupant JID, XEP-0410) instead of our server; NULL: our server. */
void xt_outq_set_barrier(struct xt_outq *q, const char *to);
/* An error answer to a barrier confirms what it covers, unless cb says
 * (1) that this error means those stanzas were not taken. */
void xt_outq_on_barrier_error(struct xt_outq *q,
    int (*cb)(xmpp_stanza_t *reply, void *arg), void *arg);
/* Refuse stanzas larger than bytes (0: no limit); unless fixed, a limit
 * the server advertises (XEP-0478) replaces it. */
void xt_outq_set_max(struct xt_outq *q, size_t bytes, int fixed);
/* Who hears of refused stanzas. */
void xt_outq_on_refuse(struct xt_outq *q, xt_refuse_cb cb, void *arg);
/* Queue a serialised stanza (malloc'd; the queue frees it); tag (e.g. an
 * input line) is given back if it is refused. */
void xt_outq_push(struct xt_outq *q, char *xml, unsigned long tag);
/* Send what the rate and the window of bytes in flight allow; a barrier
 * every 100 stanzas, every step of bytes (a fraction of what the server
 * reads in -w) or 0.2 s, and at once when final. */
void xt_outq_pump(struct xt_outq *q, int final);
/* Between streams, after a policy-violation: refuse the largest queued
 * stanza if it has at least min bytes, and every one as large from now
 * on. 1 if one was refused. */
int xt_outq_refuse_largest(struct xt_outq *q, size_t min);
/* 1 if a barrier is unanswered and the link has not moved for seconds. */
int xt_outq_stalled(struct xt_outq *q, double seconds);
/* Stanzas not yet confirmed, and the count confirmed so far. */
size_t xt_outq_unconfirmed(const struct xt_outq *q);
unsigned long long xt_outq_confirmed(const struct xt_outq *q);
/* Send nothing more (an interrupt): what is queued stays unconfirmed. */
void xt_outq_hold(struct xt_outq *q);
/* Stanzas still to be confirmed or sent: held, only those sent. */
size_t xt_outq_unsettled(const struct xt_outq *q);
/* After a reconnect: send every unconfirmed stanza again. */
void xt_outq_restart(struct xt_outq *q);
/* Write the unconfirmed stanzas, one per line. */
void xt_outq_dump(const struct xt_outq *q, FILE *f);
void xt_outq_free(struct xt_outq *q);

/* ---- http.c: an HTTP PUT of a file (libcurl) ---- */

struct xt_http_put {
	const char *url;
	int fd;				/* the file, sent from its start */
	unsigned long long size;
	const char *content_type;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const char *what;		/* the file, for messages */
	double deadline;		/* the end of -w (0: none) */
	/* called every 0.1 s or so during the transfer */
	void (*idle)(void *arg);
	void *idle_arg;
	long status;			/* the HTTP status */
	char why[1024];			/* a failure, for a person */
};

/* PUT the file to url, https only (http too with --insecure), its
 * certificate checked with --cafile/--capath like the XMPP server's; a
 * progress line on a terminal. 0, or 69 (HTTP error, cannot connect), 75
 * (past the deadline), 77 (certificate), 74 (the file), 1 (interrupted,
 * or an http:// URL) with why. */
int xt_http_put(struct xt_http_put *p);

/* ---- upload.c: HTTP File Upload (XEP-0363) ---- */

struct xt_upload_service {
	char jid[3072];
	unsigned long long max;		/* max-file-size, 0 if not said */
};

struct xt_upload_slot {
	char *put, *get;
	char **headers;			/* "Name: value", NULL-terminated */
};

/* The upload service: named (checked), else the first of the server's
 * disco items to offer urn:xmpp:http:upload:0. 0, XT_NEGATIVE with why,
 * or the session's exit code. */
int xt_upload_find(struct xt_session *s, const char *named,
    struct xt_upload_service *u, char *why, size_t whylen);
/* A slot for a file; 0, XT_NEGATIVE with why (a refusal, a reply without
 * URLs), or the session's exit code. */
int xt_upload_slot(struct xt_session *s, const struct xt_upload_service *u,
    const char *name, unsigned long long size, const char *type,
    struct xt_upload_slot *slot, char *why, size_t whylen);
void xt_upload_slot_free(struct xt_upload_slot *slot);
/* The content type for a file name (by its extension), or
 * application/octet-stream. */
const char *xt_content_type(const char *name);

/* What --attach - takes from standard input at most. */
#define XT_UPLOAD_STDIN_MAX (4ULL << 30)

struct xt_upload_file {
	const char *path;	/* as given ("-": standard input) */
	const char *name;	/* the name the slot asks for */
	int fd;
	unsigned long long size;
	const char *type;	/* its content type */
	char *url;		/* the GET URL, once uploaded */
};

/* Open path for an upload: a readable regular file, or "-" (standard
 * input, copied to an unlinked temporary file). 0, or XT_NOINPUT (74 for
 * the temporary file) with why. */
int xt_upload_open(struct xt_upload_file *f, const char *path, char *why,
    size_t whylen);
/* XT_NEGATIVE with why (both sizes) if f is over the service's limit. */
int xt_upload_check(const struct xt_upload_service *u,
    const struct xt_upload_file *f, char *why, size_t whylen);
/* Check, get a slot, PUT the file (inside deadline; the XMPP session is
 * kept answering meanwhile); f->url is then the GET URL. 0, or the exit
 * code with why. */
int xt_upload_send(struct xt_session *s, const struct xt_upload_service *u,
    struct xt_upload_file *f, double deadline, char *why, size_t whylen);
void xt_upload_close(struct xt_upload_file *f);

/* ---- mam.c: message archives (XEP-0313) ---- */

struct xt_mam {
	const char *archive;	/* a room's JID; NULL: our own archive */
	double since;		/* from this time on (0: from the start) */
	long last;		/* only the last N (0: all) */
	const char *after;	/* only after this archive id (NULL: all) */
	/* each archived message (the forwarded <message/>, with its
	 * delay) and its archive id, in order */
	void (*cb)(xmpp_stanza_t *msg, const char *id, void *arg);
	void *arg;
	int (*stop)(void *arg);	/* may be NULL: 1 ends the paging */
	unsigned long long got;	/* messages passed to cb */
	char why[512];		/* the archive's refusal */
};

/* Page through the archive; 0, XT_NEGATIVE (why set) or the session's
 * exit code. */
int xt_mam_fetch(struct xt_session *s, struct xt_mam *m);
/* 1 if the message st is an archive result (which xt_mam_fetch takes). */
int xt_mam_result(xmpp_stanza_t *st);
/* A copy of the message in a <forwarded/> (XEP-0297) child of wrapper,
 * with the forward's delay; NULL if none. */
xmpp_stanza_t *xt_forwarded_message(xmpp_stanza_t *wrapper);

/* ---- lines.c: input split into bounded lines ---- */

struct xt_lines {
	size_t max;		/* the longest line passed on, in bytes */
	/* each line, without its newline (lineno counts from 1) */
	void (*line)(const char *s, size_t len, unsigned long lineno,
	    void *arg);
	/* a line longer than max: its length, the bytes were dropped */
	void (*too_long)(unsigned long lineno, unsigned long long bytes,
	    void *arg);
	void *arg;
	unsigned long lineno;	/* lines passed on so far */
	char *part;		/* the unfinished line */
	size_t partlen, partcap;
	int skipping;
	unsigned long long skipped;
};

/* Pass on the whole lines of buf from *used on (advanced), as long as
 * full(arg) (may be NULL) says there is room; an unfinished line is kept
 * for the next call. */
void xt_lines_feed(struct xt_lines *l, const char *buf, size_t len,
    size_t *used, int (*full)(void *));
/* At the end of input: the last line, if it had no newline. */
void xt_lines_finish(struct xt_lines *l);
void xt_lines_free(struct xt_lines *l);

/* ---- term.c: line input at a terminal (readline) ---- */

/* Read lines from the terminal on stdin: call xt_term_input() when stdin
 * is readable; cb gets each line (malloc'd, cb frees it), then NULL at
 * the end of input. The prompt and what is typed go to stderr. */
void xt_term_start(const char *prompt, void (*cb)(char *line));
void xt_term_input(void);
int xt_term_active(void);
void xt_term_stop(void);
/* Around output to the terminal: the line being typed is taken away,
 * then put back as it was (nestable). */
void xt_term_hide(void);
void xt_term_show(void);
/* The prompt from the next line on (a continuation prompt). */
void xt_term_prompt(const char *prompt);
/* The next line starts with text, to edit (copied). */
void xt_term_prefill(const char *text);
/* Throw away the line being typed (^C) and prompt afresh with prompt. */
void xt_term_cancel(const char *prompt);
/* Keep history in path (read now, written as it grows, the last max
 * entries; NULL: in memory only); the tool then says what goes there
 * with xt_term_remember() (an entry may have several lines). */
void xt_term_history(const char *path, int max);
void xt_term_remember(const char *entry);
/* Tab completion: fn gives readline's matches for the word text at
 * [start, end) of the line (NULL: none); breaks are the characters
 * between words. */
void xt_term_complete(char **(*fn)(const char *text, int start, int end),
    const char *breaks);
/* Matches in readline's form: the words starting with text. */
char **xt_term_matches(const char *text, const char *const *words,
    size_t n);

/* ---- muc.c: multi-user chat rooms (XEP-0045) ---- */

#define XT_NS_MUC "http://jabber.org/protocol/muc"
#define XT_NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define XT_NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define XT_NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"

struct xt_form;

struct xt_muc_join {
	const char *room, *nick, *password;
	long history;		/* the last N messages (-1: none asked) */
	double since;		/* ... or those since this time (0: none) */
	int strict_nick;	/* a taken nick is a refusal, not retried */
	int configure;		/* a new room stays locked: caller configures */
	int until_subject;	/* ... and the join ends with the subject,
				 * after the history (XEP-0045 7.2.15) */
	/* Each presence from the room during the join, ours (last) too. */
	void (*on_presence)(xmpp_stanza_t *st, void *arg);
	void *arg;
	/* what came of it */
	char joined[1024];	/* the nick we have */
	int created;		/* status 201: the room is new */
	char why[512];		/* a refusal, for a person */
};

/* Join j->room (a suffix is added while the nick is taken, unless
 * strict); a new room is unlocked with its defaults unless configure.
 * 0, XT_NEGATIVE (a refusal, in j->why) or the session's exit code. */
int xt_muc_enter(struct xt_session *s, struct xt_muc_join *j);
/* Join room as nick (a suffix is added while the nick is taken), asking
 * for history stanzas of the past; the nick used goes to joined. Returns
 * 0, XT_NEGATIVE (a refusal, why says it for a person) or the session's
 * exit code. */
int xt_muc_join(struct xt_session *s, const char *room, const char *nick,
    const char *password, int history, char *joined, size_t joinedlen,
    char *why, size_t whylen);
void xt_muc_leave(struct xt_session *s, const char *room, const char *nick);
/* 1 if the presence or message st carries muc#user status code. */
int xt_muc_has_status(xmpp_stanza_t *st, const char *code);
/* The muc#user <item/> of st, or NULL. */
xmpp_stanza_t *xt_muc_item(xmpp_stanza_t *st);
/* 1 if st is the room's presence of ours (status 110, or from occupant). */
int xt_muc_is_self(xmpp_stanza_t *st, const char *occupant);
/* If the unavailable presence st removes its occupant from the room
 * (kick, ban, destroy, shutdown...), why, for a person, in buf; else
 * NULL. */
const char *xt_muc_removal(xmpp_stanza_t *st, char *buf, size_t len);
/* Requests to a room: 0, XT_NEGATIVE with why ("'ROOM' refused:
 * forbidden"), or the session's exit code. The request is released. */
int xt_muc_request(struct xt_session *s, xmpp_stanza_t *iq,
    xmpp_stanza_t **reply, char *why, size_t whylen);
/* XT_NEGATIVE with why if the room does not exist (disco#info). */
int xt_muc_exists(struct xt_session *s, const char *room, char *why,
    size_t whylen);
/* muc#admin: set attr=value on the item whose key (nick or jid) is
 * keyval, with a reason (may be NULL); list those of an affiliation. */
int xt_muc_admin_set(struct xt_session *s, const char *room, const char *key,
    const char *keyval, const char *attr, const char *value,
    const char *reason, char *why, size_t whylen);
int xt_muc_admin_list(struct xt_session *s, const char *room,
    const char *affiliation, xmpp_stanza_t **reply, char *why,
    size_t whylen);
/* muc#owner: the configuration form (NULL with *status), submitting it
 * (f NULL: the defaults, an instant room), cancelling the first one (a
 * new room is destroyed), destroying the room. raw (may be NULL) gets a
 * copy of the form as the room sent it. */
struct xt_form *xt_muc_config_get(struct xt_session *s, const char *room,
    int *status, char *why, size_t whylen, xmpp_stanza_t **raw);
int xt_muc_owner_submit(struct xt_session *s, const char *room,
    const struct xt_form *f, char *why, size_t whylen);
int xt_muc_owner_cancel(struct xt_session *s, const char *room);
int xt_muc_destroy(struct xt_session *s, const char *room,
    const char *reason, char *why, size_t whylen);

/* ---- idset.c: the last few thousand ids seen ---- */

struct xt_idset;

struct xt_idset *xt_idset_new(void);
/* 1 if (scope, id) was seen among the last 4096 to 8192; else 0, and it is
 * remembered when add is set. scope is scopelen bytes (e.g. a bare JID). */
int xt_idset_check(struct xt_idset *s, const char *scope, size_t scopelen,
    const char *id, int add);
void xt_idset_free(struct xt_idset *s);

/* ---- text.c: what XML can carry ---- */

/* Replace invalid UTF-8 and characters XML 1.0 forbids by U+FFFD.
 * Returns a malloc'd string; *replaced gets the count (may be NULL). */
char *xt_text_sanitize(const char *s, size_t len, size_t *replaced);
/* Length of the longest prefix of s that needs no replacement (fast). */
size_t xt_text_valid_prefix(const char *s, size_t len);
/* The length of the character at s if it must not reach a terminal raw
 * (C0 and C1 controls, DEL, U+2028, U+2029, bidirectional marks and
 * overrides) or is not UTF-8, with its code point in *cp (-1: a byte
 * that is not UTF-8); 0 if it is safe. */
size_t xt_text_unsafe(const char *s, size_t len, long *cp);
/* Length of the longest prefix of s holding no such character. */
size_t xt_text_safe_prefix(const char *s, size_t len);

/* ---- reader.c: stanzas from a byte stream ---- */

struct xt_reader;

/* Called for each complete top-level element; the stanza is released
 * after the callback returns (take a reference to keep it). Return
 * non-zero to stop the reader. */
typedef int (*xt_stanza_cb)(xmpp_stanza_t *st, void *arg);
/* A reader that builds stanzas with ctx, keeping xml:lang. */
struct xt_reader *xt_reader_new(xmpp_ctx_t *ctx, xt_stanza_cb cb, void *arg);
/* Feed bytes (len 0 with eof=1 at end). 0 on success, 1 once a callback
 * has stopped the reader; on malformed input -1 with a message naming the
 * line in xt_reader_error(). Replaced characters are warned about. */
int xt_reader_feed(struct xt_reader *r, const char *buf, size_t len, int eof);
const char *xt_reader_error(const struct xt_reader *r);
/* Drop whitespace that breaks a line beside child elements (the
 * indentation of XML typed by a person), where it is no data. */
void xt_reader_trim(struct xt_reader *r);
/* The input line the parser is at (for messages from a callback). */
unsigned long xt_reader_line(struct xt_reader *r);
/* The error without its position, which goes to *line and *col (from 1;
 * col 0 when unknown); NULL if there is none. */
const char *xt_reader_error_at(const struct xt_reader *r,
    unsigned long *line, unsigned long *col);
/* Bytes at the end of the input fed so far that are not yet part of a
 * complete element (an element begun, a tag unfinished, or text between
 * elements not yet looked at); *open is 1 if an element is open. */
size_t xt_reader_unfinished(const struct xt_reader *r, int *open);
void xt_reader_free(struct xt_reader *r);

/* ---- output.c: the three output formats ---- */

/* The attributes of st in the order -o xml writes them (xmlns, xmlns:*,
 * then by name), as (name, value) pairs in *out (malloc'd): names as
 * written (the "lang" libstrophe's parser makes of xml:lang restored),
 * an xmlns that only repeats inherited left out. Returns the count. */
size_t xt_stanza_attributes(xmpp_stanza_t *st, const char *inherited,
    const char ***out);
/* One stanza as one line of XML: newlines in text as &#10;. malloc'd. */
char *xt_stanza_xml_line(xmpp_stanza_t *st);
/* One -o text record: the n fields (NULL: empty) escaped as the text
 * format does, tab-separated, and a newline; -1 if the write failed. */
int xt_write_record(FILE *f, const char *const *fields, size_t n);
/* One JSON Lines record (compact, keys in order) on f; consumes o. */
int xt_write_json(FILE *f, struct json_t *o);
/* Write one stanza in fmt as one line to f; -1 if the write failed. */
int xt_write_stanza(FILE *f, enum xt_format fmt, xmpp_stanza_t *st);

/* ---- pretty.c: stanzas for a person at a terminal ---- */

/* st as indented XML for a terminal, each line ending in a newline;
 * coloured with ANSI escapes when color. malloc'd (exit 70 on OOM). */
char *xt_stanza_pretty(xmpp_stanza_t *st, int color);

#endif
