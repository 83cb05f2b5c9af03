/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session.c: one client connection, from DNS to close, on libstrophe's raw
 * mode so that we own TLS policy, SASL and every failure message. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "xt.h"

#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_SASL "urn:ietf:params:xml:ns:xmpp-sasl"
#define NS_BIND "urn:ietf:params:xml:ns:xmpp-bind"
#define NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"
#define NS_STREAM_ERR "urn:ietf:params:xml:ns:xmpp-streams"
#define NS_LIMITS "urn:xmpp:stream-limits:0"

/* Where the negotiation stands; names are used in timeout messages. */
enum state {
	ST_IDLE, ST_TCP, ST_FEATURES, ST_STARTTLS, ST_SASL, ST_BIND,
	ST_SESSION, ST_ONLINE, ST_CLOSING, ST_CLOSED
};

/* "timed out after 5 s <doing> 'example.org' at <address>" */
static const char *const state_doing[] = {
	"starting to connect to", "connecting to",
	"waiting for the stream features of", "in the TLS handshake with",
	"authenticating to", "binding a resource on",
	"establishing the session on", "waiting for",
	"closing the stream to", "after closing the stream to"
};

/* "connection to 'example.org' at <address> closed during <phase>" */
static const char *const state_phase[] = {
	"start", "connect", "stream negotiation", "TLS negotiation",
	"authentication", "resource binding", "session establishment",
	"the session", "close", "close"
};

struct xt_session {
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	enum state state;
	char *jid;		/* as configured */
	char *domain;
	char *local;		/* NULL for ANONYMOUS */
	char *bound;		/* from the bind result */
	int fd;
	int secured;
	int authenticated;
	int session_required;
	struct xt_target *targets;
	int ntargets, cur;
	int next_target;	/* TCP failed: try the next address */
	int last_errno;
	double deadline;
	double limit;		/* no deadline beyond this (0: none) */
	double timeout;
	double last_move;	/* the link last moved (xt_now()) */
	unsigned long long acked, received;	/* TCP counters */
	size_t max_stanza;	/* XEP-0478 max-bytes, 0: not advertised */
	double phase_start[XT_PH_NPHASES];
	double phase_ms[XT_PH_NPHASES];
	int status;
	char error[1024];
	char stream_error[64];	/* condition of a stream error, or "" */
	int certfail;
	char cert_reason[256];
	char cert_subject[256];
	const char *mech;
	char *offered;		/* SASL mechanisms after TLS */
	char *features;		/* namespaces of the stream features seen */
	int starttls_required;	/* -1: not offered */
	int probe;		/* stop before authenticating */
	xmpp_tlscert_t *cert;
	struct xt_scram *scram;
	int scram_verified;
	int interruptible;	/* a signal ends a login (xt_signalled) */
	int conn_ready;		/* setup_conn() done */
	int in_fd;		/* watched input, -1: none */
	int in_paused;
	void (*in_cb)(void *);
	void *in_arg;
	unsigned long ids;
	char idprefix[16];
	char idbuf[48];
};

static xmpp_log_t logger;
static struct xt_session *current;
static char alarm_msg[512];
static size_t alarm_len;

/* Last resort for the calls that block (name lookup, TLS handshake):
 * the event loop normally notices the deadline first. */
static void
on_alarm(int sig)
{
	(void)sig;
	if (write(STDERR_FILENO, alarm_msg, alarm_len) < 0)
		_exit(XT_TEMPFAIL);
	_exit(XT_TEMPFAIL);
}

static void
arm_alarm(struct xt_session *s)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	double left;

	if (s->deadline <= 0) {
		setitimer(ITIMER_REAL, &it, NULL);
		return;
	}
	left = s->deadline - xt_now() + 0.25;
	if (left < 0.01)
		left = 0.01;
	it.it_value.tv_sec = (time_t)left;
	it.it_value.tv_usec = (suseconds_t)((left - (time_t)left) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *
target_str(struct xt_session *s)
{
	static char buf[300];
	struct xt_target *t = &s->targets[s->cur];

	snprintf(buf, sizeof(buf), strchr(t->addr, ':') ? "[%s]:%u" : "%s:%u",
	    t->addr, t->port);
	return buf;
}

static void
disarm_alarm(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
}

/* Prepare the message the alarm prints, for the phase we enter now. */
static void
set_state(struct xt_session *s, enum state st)
{
	const char *host = s->ntargets > 0 ? target_str(s) : "";

	s->state = st;
	alarm_len = snprintf(alarm_msg, sizeof(alarm_msg),
	    "%s: timed out after %g s %s '%s'%s%s\n", xt_progname,
	    s->timeout, state_doing[st], s->domain, *host ? " at " : "", host);
	if (alarm_len >= sizeof(alarm_msg))
		alarm_len = sizeof(alarm_msg) - 1;
}

void
xt_session_doing(struct xt_session *s, const char *doing, const char *what)
{
	if (doing == NULL) {
		set_state(s, s->state);
		return;
	}
	alarm_len = snprintf(alarm_msg, sizeof(alarm_msg),
	    "%s: timed out after %g s %s '%s'\n", xt_progname, s->timeout,
	    doing, what);
	if (alarm_len >= sizeof(alarm_msg))
		alarm_len = sizeof(alarm_msg) - 1;
}

static void
phase_begin(struct xt_session *s, enum xt_phase p)
{
	s->phase_start[p] = xt_now();
}

static void
phase_end(struct xt_session *s, enum xt_phase p)
{
	if (s->phase_start[p] > 0 && s->phase_ms[p] < 0)
		s->phase_ms[p] = (xt_now() - s->phase_start[p]) * 1e3;
}

int
xt_session_fail(struct xt_session *s, int code, const char *fmt, ...)
{
	va_list ap;

	if (s->status != 0)
		return s->status;
	s->status = code;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	return code;
}

const char *
xt_session_error(const struct xt_session *s)
{
	return s->status ? s->error : NULL;
}

int
xt_session_status(const struct xt_session *s)
{
	return s->status;
}

/* -vv shows the traffic; SASL payloads are replaced, since PLAIN is
 * only base64 and SCRAM proofs allow offline guessing. */
static void
redact(char *msg)
{
	static const char *const tags[] = {
		"<auth ", "<response", "<challenge", "<success", NULL
	};
	char *p, *gt, *lt;
	int i;

	for (i = 0; tags[i] != NULL; i++) {
		p = msg;
		while ((p = strstr(p, tags[i])) != NULL) {
			if ((gt = strchr(p, '>')) == NULL || gt[-1] == '/')
				break;
			if ((lt = strchr(gt, '<')) == NULL)
				break;
			if (lt - gt > 1) {
				memmove(gt + 1 + 10, lt, strlen(lt) + 1);
				memcpy(gt + 1, "[redacted]", 10);
			}
			p = gt + 1;
		}
	}
}

static void
log_handler(void *arg, xmpp_log_level_t level, const char *area,
    const char *msg)
{
	char *copy;

	(void)arg;
	/* libstrophe 0.12.2 reports a failed TCP connect with error 0 to
	 * the connection handler; the errno is only in its debug log. */
	if (current != NULL && current->state == ST_TCP &&
	    strncmp(msg, "connection failed, error ", 25) == 0)
		current->last_errno = atoi(msg + 25);
	if (xt_verbose < 2)
		return;
	if (xt_verbose < 3 && (strncmp(msg, "SENT: ", 6) != 0 &&
	    strncmp(msg, "RECV: ", 6) != 0))
		return;
	if (level == XMPP_LEVEL_DEBUG && xt_verbose < 2)
		return;
	/* "[redacted]" may be longer than what it replaces ("=" for an
	 * empty response): each replacement adds at most 9 bytes and needs
	 * more than that of tag text, so twice the length is room enough. */
	if ((copy = malloc(2 * strlen(msg) + 16)) == NULL)
		return;
	strcpy(copy, msg);
	redact(copy);
	if (xt_verbose >= 3)
		xt_error("%s: %s", area, copy);
	else
		xt_error("%s", copy);
	free(copy);
}

static int
sockopt_cb(xmpp_conn_t *conn, void *sock)
{
	int fd = *(int *)sock, one = 1;

	(void)conn;
	if (current != NULL)
		current->fd = fd;
	/* Stanzas are small and latency is the whole cost of a one-shot
	 * tool: never let Nagle hold them. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static void
quickack(struct xt_session *s)
{
	int one = 1;

	/* Not sticky: the kernel falls back to delayed ACKs, which stall
	 * the server's Nagle-buffered replies after the TLS handshake. */
	if (s->fd >= 0)
		setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &one,
		    sizeof(one));
}

static int
certfail_cb(const xmpp_tlscert_t *cert, const char *errormsg)
{
	/* xmpp_tlscert_get_conn() is NULL here: one session per process. */
	struct xt_session *s = current;
	const char *subj = xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT);

	if (s == NULL)
		return 0;
	if (!s->certfail) {
		snprintf(s->cert_reason, sizeof(s->cert_reason), "%s",
		    errormsg ? errormsg : "verification failed");
		snprintf(s->cert_subject, sizeof(s->cert_subject), "%s",
		    subj ? subj : "?");
	}
	s->certfail = 1;
	/* --insecure accepts anything; --pin decides after the handshake. */
	return xt_opt.insecure || xt_opt.pin != NULL;
}


static void open_stream(struct xt_session *s);

/* Only an unknown CA is fixed by trusting it; an expired or misnamed
 * certificate is the server's to fix. */
static int
unknown_issuer(const char *reason)
{
	return strstr(reason, "issuer") != NULL ||
	    strstr(reason, "self-signed") != NULL ||
	    strstr(reason, "self signed") != NULL;
}

/* TLS on the socket: after <proceed/> or at once for direct TLS. */
static void
start_tls(struct xt_session *s)
{
	xmpp_tlscert_t *cert;
	const char *fp;
	int r;

	set_state(s, s->state);
	arm_alarm(s);
	xt_tls_trust_begin(xt_opt.cafile, xt_opt.capath);
	r = xmpp_conn_tls_start(s->conn);
	xt_tls_trust_end();
	if (r != 0 || !xmpp_conn_is_secured(s->conn)) {
		if (s->certfail && !xt_opt.insecure && xt_opt.pin == NULL)
			xt_session_fail(s, XT_NOPERM, "certificate of '%s' "
			    "rejected: %s (subject %s)%s", s->domain,
			    s->cert_reason, s->cert_subject,
			    unknown_issuer(s->cert_reason) ? "; give its CA "
			    "with --cafile or pin it with --pin" : "");
		else
			xt_session_fail(s, XT_UNAVAILABLE, "TLS handshake "
			    "with '%s' at %s failed", s->domain,
			    target_str(s));
		return;
	}
	s->secured = 1;
	phase_end(s, XT_PH_TLS);
	if (xt_opt.insecure && s->certfail)
		xt_warn("warning: accepting the unverified certificate of "
		    "'%s' (%s) because of --insecure", s->domain,
		    s->cert_reason);
	if (s->cert != NULL)
		xmpp_tlscert_free(s->cert);
	s->cert = cert = xmpp_conn_get_peer_cert(s->conn);
	if (xt_opt.pin != NULL) {
		fp = cert ? xmpp_tlscert_get_string(cert,
		    XMPP_CERT_FINGERPRINT_SHA256) : NULL;
		if (fp == NULL || !xt_tls_pin_match(xt_opt.pin, fp)) {
			xt_session_fail(s, XT_NOPERM, "certificate of '%s' "
			    "does not match --pin: its SHA-256 fingerprint "
			    "is %s", s->domain, fp ? fp : "unknown");
			return;
		}
	}
	xt_info(1, "TLS established with '%s' in %.1f ms", s->domain,
	    s->phase_ms[XT_PH_TLS]);
	open_stream(s);
}

static void
open_stream(struct xt_session *s)
{
	set_state(s, ST_FEATURES);
	if (xmpp_conn_open_stream_default(s->conn) != 0)
		xt_session_fail(s, XT_SOFTWARE, "cannot open the stream");
}

static void
conn_cb(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
    xmpp_stream_error_t *se, void *arg)
{
	struct xt_session *s = arg;

	(void)conn;
	(void)se;
	switch (ev) {
	case XMPP_CONN_RAW_CONNECT:
		phase_end(s, XT_PH_TCP);
		xt_info(1, "connected to %s in %.1f ms", target_str(s),
		    s->phase_ms[XT_PH_TCP]);
		if (s->targets[s->cur].direct_tls) {
			phase_begin(s, XT_PH_TLS);
			set_state(s, ST_STARTTLS);
			start_tls(s);
		} else {
			open_stream(s);
		}
		break;
	case XMPP_CONN_CONNECT:
		/* Fires for every stream header: not "logged in". */
		break;
	case XMPP_CONN_DISCONNECT:
	case XMPP_CONN_FAIL:
		if (s->state == ST_CLOSING || s->state == ST_CLOSED) {
			s->state = ST_CLOSED;
			break;
		}
		if (s->state == ST_TCP) {
			if (error != 0)
				s->last_errno = error;
			s->next_target = 1;
			break;
		}
		/* libstrophe passes socket errors and its own codes alike:
		 * name only what is surely a socket error. */
		if (error != ECONNRESET && error != ETIMEDOUT &&
		    error != ECONNABORTED && error != EPIPE &&
		    error != ENETUNREACH && error != EHOSTUNREACH)
			error = 0;
		xt_session_fail(s, XT_UNAVAILABLE, "connection to '%s' at %s "
		    "closed during %s%s%s", s->domain, target_str(s),
		    state_phase[s->state], error ? ": " : "",
		    error ? xt_strerror(error) : "");
		s->state = ST_CLOSED;
		break;
	}
}

/* Text of the first child in ns that is an element: the condition. */
static const char *
condition(xmpp_stanza_t *st, const char *ns)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) && strcmp(xmpp_stanza_get_name(c),
		    "text") != 0 && (ns == NULL || (xmpp_stanza_get_ns(c) &&
		    strcmp(xmpp_stanza_get_ns(c), ns) == 0)))
			return xmpp_stanza_get_name(c);
	return "undefined-condition";
}

static char *
child_text(xmpp_stanza_t *st, const char *name)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st, name);

	return c ? xmpp_stanza_get_text(c) : NULL;
}

/* RFC 6120 4.9: a stream error ends the stream. */
static int
stream_error_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct xt_session *s = arg;
	char *text = child_text(st, "text"), *host = NULL, where[512] = "";

	(void)conn;
	snprintf(s->stream_error, sizeof(s->stream_error), "%s",
	    condition(st, NS_STREAM_ERR));
	/* 4.9.3.19: the host to go to instead. Not followed: a redirect
	 * to a server the user did not name is theirs to decide on. */
	if (strcmp(s->stream_error, "see-other-host") == 0 &&
	    (host = child_text(st, "see-other-host")) != NULL && *host)
		snprintf(where, sizeof(where), ": the server points to '%.*s'; "
		    "connect there with --server", 250, host);
	xt_session_fail(s, XT_UNAVAILABLE, "stream error from '%s': %s%s%s%s",
	    s->domain, s->stream_error, where, text ? ": " : "",
	    text ? text : "");
	xmpp_free(s->ctx, host);
	xmpp_free(s->ctx, text);
	return 1;
}

static void send_auth(struct xt_session *s, const char *offered);
static void send_bind(struct xt_session *s);

/* Keep the namespace of every stream feature offered after TLS (before
 * and after login), once each: what xmpp-disco --compliance reports. */
static void
note_features(struct xt_session *s, xmpp_stanza_t *st)
{
	xmpp_stanza_t *c;
	const char *ns;
	size_t have, add;
	char *n;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c) || (ns = xmpp_stanza_get_ns(c)) ==
		    NULL || xt_session_has_feature(s, ns))
			continue;
		have = s->features ? strlen(s->features) : 0;
		add = strlen(ns);
		/* A server cannot make this grow without bound: the features
		 * arrive twice (before and after login). */
		if (have + add > 8192)
			return;
		if ((n = realloc(s->features, have + add + 2)) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		if (have)
			n[have++] = ' ';
		memcpy(n + have, ns, add + 1);
		s->features = n;
	}
}

static int
features_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct xt_session *s = arg;
	xmpp_stanza_t *c, *m;
	char offered[1024] = "", *t;
	size_t n = 0;

	(void)conn;
	if (!s->secured && xt_opt.tls_mode != XT_TLS_NONE) {
		if (xmpp_stanza_get_child_by_ns(st, NS_TLS) == NULL) {
			xt_session_fail(s, XT_UNAVAILABLE, "'%s' does not "
			    "offer STARTTLS; refusing to continue without "
			    "TLS", s->domain);
			return 1;
		}
		s->starttls_required = xmpp_stanza_get_child_by_name(
		    xmpp_stanza_get_child_by_ns(st, NS_TLS), "required") != NULL;
		phase_begin(s, XT_PH_TLS);
		set_state(s, ST_STARTTLS);
		xmpp_send_raw_string(s->conn, "<starttls xmlns='%s'/>", NS_TLS);
		return 1;
	}
	note_features(s, st);
	if (!s->authenticated) {
		c = xmpp_stanza_get_child_by_ns(st, NS_SASL);
		for (m = c ? xmpp_stanza_get_children(c) : NULL; m;
		    m = xmpp_stanza_get_next(m)) {
			if (!xmpp_stanza_is_tag(m) || (t =
			    xmpp_stanza_get_text(m)) == NULL)
				continue;
			n += snprintf(offered + n, sizeof(offered) - n, "%s%s",
			    n ? " " : "", t);
			xmpp_free(s->ctx, t);
			if (n >= sizeof(offered))
				break;
		}
		free(s->offered);
		s->offered = strdup(offered);
		if (s->probe) {
			set_state(s, ST_ONLINE);
			return 1;
		}
		send_auth(s, offered);
		return 1;
	}
	/* XEP-0478 2: the largest stanza this server reads. */
	if ((c = xmpp_stanza_get_child_by_ns(st, NS_LIMITS)) != NULL &&
	    (m = xmpp_stanza_get_child_by_name(c, "max-bytes")) != NULL &&
	    (t = xmpp_stanza_get_text(m)) != NULL) {
		s->max_stanza = strtoul(t, NULL, 10);
		xmpp_free(s->ctx, t);
	}
	s->session_required = (c = xmpp_stanza_get_child_by_ns(st,
	    NS_SESSION)) != NULL &&
	    xmpp_stanza_get_child_by_name(c, "optional") == NULL;
	if (xmpp_stanza_get_child_by_ns(st, NS_BIND) == NULL) {
		xt_session_fail(s, XT_UNAVAILABLE, "'%s' does not offer "
		    "resource binding", s->domain);
		return 1;
	}
	send_bind(s);
	return 1;
}

static int
tls_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct xt_session *s = arg;

	(void)conn;
	/* The ns filter also matches <features> holding <starttls/>. */
	if (strcmp(xmpp_stanza_get_name(st), "features") == 0)
		return 1;
	if (strcmp(xmpp_stanza_get_name(st), "proceed") != 0) {
		xt_session_fail(s, XT_UNAVAILABLE, "'%s' refused STARTTLS",
		    s->domain);
		return 1;
	}
	start_tls(s);
	return 1;
}

static void
send_sasl(struct xt_session *s, const char *elem, const char *mech,
    const void *data, size_t len)
{
	char *b64 = NULL;

	if (data != NULL && (b64 = xt_base64_encode(data, len)) == NULL) {
		xt_session_fail(s, XT_SOFTWARE, "out of memory");
		return;
	}
	/* RFC 6120 6.4.2: an empty initial response is "=". */
	xmpp_send_raw_string(s->conn, "<%s xmlns='%s'%s%s%s>%s</%s>", elem,
	    NS_SASL, mech ? " mechanism='" : "", mech ? mech : "",
	    mech ? "'" : "", b64 ? (*b64 ? b64 : "=") : "", elem);
	if (b64 != NULL) {
		OPENSSL_cleanse(b64, strlen(b64));
		free(b64);
	}
}

static void
send_auth(struct xt_session *s, const char *offered)
{
	const char *why = NULL, *user = s->local ? s->local : "";
	char *plain;
	size_t len;

	s->mech = xt_sasl_choose(offered, xt_opt.sasl, s->secured,
	    xt_opt.client_cert != NULL, s->local == NULL, &why);
	if (s->mech == NULL) {
		xt_session_fail(s, XT_NOPERM, "cannot authenticate to '%s'"
		    "%s%s: %s (offered: %s)", s->domain,
		    xt_opt.sasl ? " with " : "", xt_opt.sasl ? xt_opt.sasl : "",
		    why, *offered ? offered : "none");
		return;
	}
	xt_info(1, "authenticating as '%s' with %s", s->jid, s->mech);
	phase_begin(s, XT_PH_SASL);
	set_state(s, ST_SASL);
	if (strncmp(s->mech, "SCRAM-", 6) == 0) {
		if (xt_opt.password == NULL) {
			xt_session_fail(s, XT_CONFIG, "no password for '%s'",
			    s->jid);
			return;
		}
		s->scram = xt_scram_new(s->mech + 6, user, xt_opt.password,
		    NULL);
		if (s->scram == NULL) {
			xt_session_fail(s, XT_SOFTWARE, "cannot start SCRAM");
			return;
		}
		send_sasl(s, "auth", s->mech, xt_scram_first(s->scram),
		    strlen(xt_scram_first(s->scram)));
	} else if (strcmp(s->mech, "PLAIN") == 0) {
		if (xt_opt.password == NULL) {
			xt_session_fail(s, XT_CONFIG, "no password for '%s'",
			    s->jid);
			return;
		}
		plain = xt_sasl_plain(user, xt_opt.password, &len);
		send_sasl(s, "auth", s->mech, plain, len);
		OPENSSL_cleanse(plain, len);
		free(plain);
	} else {
		/* EXTERNAL, ANONYMOUS: empty initial response. */
		send_sasl(s, "auth", s->mech, "", 0);
	}
}

static char *
sasl_payload(struct xt_session *s, xmpp_stanza_t *st)
{
	char *t = xmpp_stanza_get_text(st), *out;
	size_t len;

	if (t == NULL || *t == '\0' || strcmp(t, "=") == 0) {
		xmpp_free(s->ctx, t);
		return strdup("");
	}
	out = (char *)xt_base64_decode(t, &len);
	xmpp_free(s->ctx, t);
	return out;
}

static int
sasl_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct xt_session *s = arg;
	const char *name = xmpp_stanza_get_name(st), *why = NULL, *fin;
	char *data, *text;

	(void)conn;
	if (s->state != ST_SASL || strcmp(name, "features") == 0)
		return 1;
	if (strcmp(name, "failure") == 0) {
		text = child_text(st, "text");
		xt_session_fail(s, XT_NOPERM, "authentication as '%s' with %s "
		    "failed: %s%s%s", s->jid, s->mech, condition(st, NULL),
		    text ? ": " : "", text ? text : "");
		xmpp_free(s->ctx, text);
		return 1;
	}
	if ((data = sasl_payload(s, st)) == NULL) {
		xt_session_fail(s, XT_NOPERM, "authentication as '%s' failed: "
		    "the server sent invalid base64", s->jid);
		return 1;
	}
	if (strcmp(name, "challenge") == 0 && s->scram != NULL &&
	    !s->scram_verified && strstr(data, "v=") != data) {
		if ((fin = xt_scram_final(s->scram, data, &why)) == NULL)
			xt_session_fail(s, XT_NOPERM, "authentication as '%s' "
			    "failed: %s", s->jid, why);
		else
			send_sasl(s, "response", NULL, fin, strlen(fin));
	} else if (s->scram != NULL && !s->scram_verified) {
		/* Server-final, in <success/> or (rarely) a last challenge. */
		if (xt_scram_verify(s->scram, data, &why) != 0)
			xt_session_fail(s, XT_NOPERM, "authentication as '%s' "
			    "failed: %s", s->jid, why);
		else
			s->scram_verified = 1;
		if (!s->status && strcmp(name, "challenge") == 0)
			send_sasl(s, "response", NULL, "", 0);
	}
	free(data);
	if (!s->status && strcmp(name, "success") == 0) {
		phase_end(s, XT_PH_SASL);
		s->authenticated = 1;
		xt_scram_free(s->scram);
		s->scram = NULL;
		xt_info(1, "authenticated with %s in %.1f ms", s->mech,
		    s->phase_ms[XT_PH_SASL]);
		open_stream(s);
	}
	return 1;
}

static int
session_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct xt_session *s = arg;
	const char *type = xmpp_stanza_get_type(st);

	(void)conn;
	if (type == NULL || strcmp(type, "result") != 0) {
		xt_session_fail(s, XT_UNAVAILABLE, "'%s' refused the session: "
		    "%s", s->domain, xt_error_condition(st) ?
		    xt_error_condition(st) : "no reason given");
		return 0;
	}
	set_state(s, ST_ONLINE);
	return 0;
}

static int
bind_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct xt_session *s = arg;
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *b;
	char *jid = NULL;

	(void)conn;
	if (type != NULL && strcmp(type, "result") == 0 &&
	    (b = xmpp_stanza_get_child_by_ns(st, NS_BIND)) != NULL)
		jid = child_text(b, "jid");
	if (jid == NULL) {
		xt_session_fail(s, XT_UNAVAILABLE, "'%s' refused to bind a "
		    "resource: %s", s->domain, xt_error_condition(st) ?
		    xt_error_condition(st) : "no JID in its answer");
		return 0;
	}
	s->bound = strdup(jid);
	xmpp_free(s->ctx, jid);
	phase_end(s, XT_PH_BIND);
	xt_info(1, "bound as '%s'", s->bound);
	if (s->session_required) {
		/* RFC 3921 3: only for servers that still require it. */
		set_state(s, ST_SESSION);
		xmpp_id_handler_add(s->conn, session_cb, "xt-session", s);
		xmpp_send_raw_string(s->conn, "<iq type='set' id='xt-session'>"
		    "<session xmlns='%s'/></iq>", NS_SESSION);
		return 0;
	}
	set_state(s, ST_ONLINE);
	return 0;
}

static void
send_bind(struct xt_session *s)
{
	xmpp_stanza_t *iq, *bind, *res, *txt;
	char buf[64];
	unsigned char rnd[4];
	const char *resource = xt_opt.resource;

	if (resource == NULL) {
		/* A fixed default would make two runs kick each other off
		 * (RFC 6120 7.7.2.2); the tool's name helps server admins. */
		RAND_bytes(rnd, sizeof(rnd));
		snprintf(buf, sizeof(buf), "%s.%02x%02x%02x%02x", xt_progname,
		    rnd[0], rnd[1], rnd[2], rnd[3]);
		resource = buf;
	}
	phase_begin(s, XT_PH_BIND);
	set_state(s, ST_BIND);
	iq = xmpp_iq_new(s->ctx, "set", "xt-bind");
	bind = xmpp_stanza_new(s->ctx);
	xmpp_stanza_set_name(bind, "bind");
	xmpp_stanza_set_ns(bind, NS_BIND);
	res = xmpp_stanza_new(s->ctx);
	xmpp_stanza_set_name(res, "resource");
	txt = xmpp_stanza_new(s->ctx);
	xmpp_stanza_set_text(txt, resource);
	xmpp_stanza_add_child(res, txt);
	xmpp_stanza_add_child(bind, res);
	xmpp_stanza_add_child(iq, bind);
	xmpp_stanza_release(txt);
	xmpp_stanza_release(res);
	xmpp_stanza_release(bind);
	xmpp_id_handler_add(s->conn, bind_cb, "xt-bind", s);
	xt_session_send(s, iq);
	xmpp_stanza_release(iq);
}

/* A libstrophe string as our own, so it outlives the context. */
static char *
jid_part(struct xt_session *s, char *part)
{
	char *copy = part ? strdup(part) : NULL;

	xmpp_free(s->ctx, part);
	return copy;
}

struct xt_session *
xt_session_new(void)
{
	struct xt_session *s = calloc(1, sizeof(*s));
	unsigned char rnd[4];
	int i;

	if (s == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	logger.handler = log_handler;
	xmpp_initialize();
	s->ctx = xmpp_ctx_new(NULL, &logger);
	s->conn = xmpp_conn_new(s->ctx);
	s->fd = -1;
	s->in_fd = -1;
	s->starttls_required = -1;
	s->timeout = xt_opt.timeout_s;
	for (i = 0; i < XT_PH_NPHASES; i++)
		s->phase_ms[i] = -1;
	s->jid = strdup(xt_opt.jid);
	s->domain = jid_part(s, xmpp_jid_domain(s->ctx, xt_opt.jid));
	s->local = jid_part(s, xmpp_jid_node(s->ctx, xt_opt.jid));
	RAND_bytes(rnd, sizeof(rnd));
	snprintf(s->idprefix, sizeof(s->idprefix), "%02x%02x%02x%02x", rnd[0],
	    rnd[1], rnd[2], rnd[3]);
	current = s;
	/* RFC 6120 8.2.3: every iq get/set is answered from the moment the
	 * resource is bound; an iq in the same read as the bind result would
	 * reach no handler if a tool installed one once online. */
	xt_iq_serve(s, NULL);
	/* A peer closing right after accept makes OpenSSL write into a
	 * dead socket: that must be an error message, not SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	return s;
}

static void
setup_conn(struct xt_session *s)
{
	/* Once per connection object: libstrophe 0.12.2 does not free the
	 * previous value when xmpp_conn_set_cafile() is called again. */
	if (s->conn_ready)
		return;
	s->conn_ready = 1;
	xmpp_conn_set_jid(s->conn, s->jid);
	xmpp_conn_set_flags(s->conn, XMPP_CONN_FLAG_MANDATORY_TLS |
	    XMPP_CONN_FLAG_DISABLE_SM);
	xmpp_conn_set_sockopt_callback(s->conn, sockopt_cb);
	xmpp_conn_set_certfail_handler(s->conn, certfail_cb);
	if (xt_opt.cafile != NULL)
		xmpp_conn_set_cafile(s->conn, xt_opt.cafile);
	if (xt_opt.capath != NULL)
		xmpp_conn_set_capath(s->conn, xt_opt.capath);
	if (xt_opt.client_cert != NULL)
		xmpp_conn_set_client_cert(s->conn, xt_opt.client_cert,
		    xt_opt.client_key ? xt_opt.client_key : xt_opt.client_cert);
	xmpp_handler_add(s->conn, features_cb, XMPP_NS_STREAMS, "features",
	    NULL, s);
	xmpp_handler_add(s->conn, stream_error_cb, XMPP_NS_STREAMS, "error",
	    NULL, s);
	xmpp_handler_add(s->conn, tls_cb, NS_TLS, NULL, NULL, s);
	xmpp_handler_add(s->conn, sasl_cb, NS_SASL, NULL, NULL, s);
}

/* Start a TCP connection to the current target. */
static int
connect_target(struct xt_session *s)
{
	struct xt_target *t = &s->targets[s->cur];

	s->next_target = 0;
	s->last_errno = 0;
	s->fd = -1;
	s->acked = s->received = 0;
	s->last_move = xt_now();
	xt_info(1, "connecting to '%s' at %s%s", s->domain, target_str(s),
	    t->direct_tls ? " (direct TLS)" : "");
	phase_begin(s, XT_PH_TCP);
	s->phase_ms[XT_PH_TCP] = -1;
	set_state(s, ST_TCP);
	/* An IP literal as altdomain: libstrophe then neither resolves nor
	 * looks up SRV; SNI and certificate checks use the JID's domain. */
	if (xmpp_connect_raw(s->conn, t->addr, t->port, conn_cb, s) != 0) {
		s->last_errno = errno;
		s->next_target = 1;
	}
	return 0;
}

static void
next_target(struct xt_session *s)
{
	if (s->cur + 1 < s->ntargets) {
		xt_info(1, "cannot connect to %s: %s", target_str(s),
		    xt_strerror(s->last_errno ? s->last_errno : ECONNREFUSED));
		s->cur++;
		connect_target(s);
		return;
	}
	xt_session_fail(s, XT_UNAVAILABLE, "cannot connect to '%s' at %s: %s",
	    s->domain, target_str(s), s->last_errno ?
	    xt_strerror(s->last_errno) : "connection failed");
}

/* 1 if the watched input has something (or its end) for us. */
static int
input_ready(struct xt_session *s)
{
	struct pollfd p;

	if (s->in_fd < 0 || s->in_paused || s->state != ST_ONLINE)
		return 0;
	p.fd = s->in_fd;
	p.events = POLLIN;
	return poll(&p, 1, 0) > 0;
}

static int
online(void *arg)
{
	return ((struct xt_session *)arg)->state == ST_ONLINE;
}

static int
online_or_signalled(void *arg)
{
	struct xt_session *s = arg;

	return online(s) || (s->interruptible && xt_signalled);
}

void
xt_session_interruptible(struct xt_session *s)
{
	s->interruptible = 1;
}

int
xt_session_connect(struct xt_session *s)
{
	char err[512];
	int r;

	xt_session_set_deadline(s, s->timeout);
	setup_conn(s);
	free(s->targets);
	s->targets = NULL;
	set_state(s, ST_IDLE);
	phase_begin(s, XT_PH_DNS);
	arm_alarm(s);
	s->ntargets = xt_resolve(s->domain, &xt_opt, &s->targets, err,
	    sizeof(err));
	if (s->ntargets <= 0)
		return xt_session_fail(s, XT_UNAVAILABLE, "cannot connect to "
		    "'%s': %s", s->domain, s->ntargets < 0 ? err :
		    "no address");
	phase_end(s, XT_PH_DNS);
	connect_target(s);
	r = xt_session_run(s, online_or_signalled, s);
	if (r == 0 && !online(s))
		r = xt_session_fail(s, XT_TEMPFAIL, "interrupted while logging "
		    "in to '%s'", s->domain);
	if (r == 0)
		xt_info(1, "online as '%s' (dns %.1f, tcp %.1f, tls %.1f, "
		    "sasl %.1f, bind %.1f ms)", s->bound,
		    s->phase_ms[XT_PH_DNS], s->phase_ms[XT_PH_TCP],
		    s->phase_ms[XT_PH_TLS], s->phase_ms[XT_PH_SASL],
		    s->phase_ms[XT_PH_BIND]);
	return r;
}

int
xt_session_run(struct xt_session *s, int (*done)(void *), void *arg)
{
	double left;
	unsigned long ms;

	arm_alarm(s);
	while (s->status == 0 && !(done != NULL && done(arg))) {
		if (s->next_target) {
			next_target(s);
			continue;
		}
		if (s->state == ST_CLOSED) {
			xt_session_fail(s, XT_UNAVAILABLE, "connection to '%s' "
			    "lost", s->domain);
			break;
		}
		ms = 100;
		if (s->deadline > 0) {
			left = s->deadline - xt_now();
			if (left <= 0) {
				xt_session_fail(s, XT_TEMPFAIL, "%.*s",
				    (int)alarm_len - 1 - (int)strlen(
				    xt_progname) - 2, alarm_msg +
				    strlen(xt_progname) + 2);
				break;
			}
			if (left * 1e3 < ms)
				ms = (unsigned long)(left * 1e3) + 1;
		}
		if (input_ready(s)) {
			s->in_cb(s->in_arg);
			ms = 0;
		} else if (s->in_fd >= 0 && !s->in_paused && ms > 10) {
			/* The loop cannot poll our fd: keep its wait short. */
			ms = 10;
		}
		quickack(s);
		xmpp_run_once(s->ctx, ms);
	}
	/* The alarm guards calls inside the loop only: a caller may sleep
	 * (a backoff) before the next run. */
	disarm_alarm();
	return s->status;
}

void
xt_session_watch(struct xt_session *s, int fd, void (*cb)(void *), void *arg)
{
	s->in_fd = fd;
	s->in_cb = cb;
	s->in_arg = arg;
	s->in_paused = 0;
}

void
xt_session_pause_input(struct xt_session *s, int paused)
{
	s->in_paused = paused;
}

/* A failed session ends with a reset, not a close: the kernel would
 * otherwise go on sending what it holds of a half-sent stanza after we
 * gave up, and the server might yet deliver what we hand back as not
 * sent. */
static void
abort_link(struct xt_session *s)
{
	struct sockaddr none = { .sa_family = AF_UNSPEC };

	if (s->fd < 0 || xmpp_conn_is_disconnected(s->conn))
		return;
	/* Linux: connecting a TCP socket to AF_UNSPEC resets it and drops
	 * its send queue; libstrophe's own queue then fails to write. */
	connect(s->fd, &none, sizeof(none));
	s->state = ST_CLOSING;
	xmpp_disconnect(s->conn);
}

/* Forget the stream that ended and log in again (same handlers). */
int
xt_session_reconnect(struct xt_session *s)
{
	double until = xt_now() + 1;
	int i;

	if (!xmpp_conn_is_disconnected(s->conn)) {
		if (s->status != 0)
			abort_link(s);
		else
			xt_session_close(s);
		while (!xmpp_conn_is_disconnected(s->conn) && xt_now() < until)
			xmpp_run_once(s->ctx, 10);
	}
	xt_iq_forget(s);
	s->status = 0;
	s->error[0] = '\0';
	s->stream_error[0] = '\0';
	s->secured = s->authenticated = s->session_required = 0;
	s->max_stanza = 0;
	s->certfail = s->scram_verified = 0;
	s->mech = NULL;
	xt_scram_free(s->scram);
	s->scram = NULL;
	free(s->bound);
	s->bound = NULL;
	free(s->targets);
	s->targets = NULL;
	s->ntargets = s->cur = 0;
	for (i = 0; i < XT_PH_NPHASES; i++)
		s->phase_ms[i] = s->phase_start[i] = -1;
	set_state(s, ST_IDLE);
	return xt_session_connect(s);
}

int
xt_session_retryable(const struct xt_session *s)
{
	/* RFC 6120 4.9.3.3: "conflict" means another session took our
	 * resource; fighting back would make both flap forever. */
	return (s->status == XT_UNAVAILABLE || s->status == XT_TEMPFAIL) &&
	    strcmp(s->stream_error, "conflict") != 0;
}

int
xt_session_online(const struct xt_session *s)
{
	return s->state == ST_ONLINE && s->status == 0;
}

void
xt_session_send(struct xt_session *s, xmpp_stanza_t *st)
{
	char *line;

	/* Our serialiser, not xmpp_send(): it replaces what XML cannot
	 * carry, so one bad byte cannot make the server kill the stream. */
	if ((line = xt_stanza_xml_line(st)) == NULL) {
		xt_session_fail(s, XT_SOFTWARE, "out of memory");
		return;
	}
	/* libstrophe logs "SENT:" itself at -vv. */
	xmpp_send_raw(s->conn, line, strlen(line));
	free(line);
}

void
xt_session_send_raw(struct xt_session *s, const char *xml)
{
	/* libstrophe logs "SENT:" itself at -vv. */
	xmpp_send_raw(s->conn, xml, strlen(xml));
}

const char *
xt_session_id(struct xt_session *s)
{
	snprintf(s->idbuf, sizeof(s->idbuf), "xt%s-%lu", s->idprefix,
	    ++s->ids);
	return s->idbuf;
}

int
xt_session_own_id(const struct xt_session *s, const char *id)
{
	size_t n = strlen(s->idprefix);

	if (id == NULL)
		return 0;
	/* The login's, then those of xt_session_id(). */
	return strcmp(id, "xt-bind") == 0 || strcmp(id, "xt-session") == 0 ||
	    (strncmp(id, "xt", 2) == 0 && strncmp(id + 2, s->idprefix, n) == 0
	    && id[2 + n] == '-');
}

void
xt_session_set_deadline(struct xt_session *s, double seconds)
{
	s->deadline = seconds > 0 ? xt_now() + seconds : 0;
	if (seconds > 0)
		s->timeout = seconds;
	if (s->limit > 0 && (s->deadline == 0 || s->deadline > s->limit))
		s->deadline = s->limit;
	set_state(s, s->state);
	arm_alarm(s);
}

void
xt_session_set_limit(struct xt_session *s, double when)
{
	s->limit = when;
	if (when > 0 && (s->deadline == 0 || s->deadline > when)) {
		s->deadline = when;
		arm_alarm(s);
	}
}

double
xt_session_quiet(struct xt_session *s)
{
	double now = xt_now();

	if (xt_link_moved(s->fd, &s->acked, &s->received))
		s->last_move = now;
	return now - s->last_move;
}

const char *
xt_session_stream_error(const struct xt_session *s)
{
	return s->stream_error;
}

size_t
xt_session_max_stanza(const struct xt_session *s)
{
	return s->max_stanza;
}

double
xt_session_phase_ms(const struct xt_session *s, enum xt_phase p)
{
	return s->phase_ms[p];
}

const char *
xt_session_jid(const struct xt_session *s)
{
	return s->bound;
}

const char *
xt_session_domain(const struct xt_session *s)
{
	return s->domain;
}

xmpp_conn_t *
xt_session_conn(struct xt_session *s)
{
	return s->conn;
}

xmpp_ctx_t *
xt_session_ctx(struct xt_session *s)
{
	return s->ctx;
}

void
xt_session_set_probe(struct xt_session *s)
{
	s->probe = 1;
}

const char *
xt_session_mechanisms(const struct xt_session *s)
{
	return s->offered;
}

const char *
xt_session_features(const struct xt_session *s)
{
	return s->features ? s->features : "";
}

int
xt_session_has_feature(const struct xt_session *s, const char *ns)
{
	const char *p = s->features;
	size_t len = strlen(ns);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, ns, len) == 0 && (p[len] == ' ' ||
		    p[len] == '\0'))
			return 1;
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

const char *
xt_session_mechanism(const struct xt_session *s)
{
	return s->mech;
}

int
xt_session_starttls_required(const struct xt_session *s)
{
	return s->starttls_required;
}

xmpp_tlscert_t *
xt_session_cert(const struct xt_session *s)
{
	return s->cert;
}

const char *
xt_session_address(struct xt_session *s)
{
	return s->ntargets > 0 ? target_str(s) : "";
}

int
xt_session_direct_tls(const struct xt_session *s)
{
	return s->ntargets > 0 && s->targets[s->cur].direct_tls;
}

void
xt_backoff(long attempt, double max, double deadline)
{
	double wait = attempt < 20 ? (double)(1L << attempt) : max;
	double until = xt_now() + (wait < max ? wait : max);
	struct timespec ts = { 0, 50000000 };

	while (xt_now() < until && !xt_signalled &&
	    (deadline == 0 || xt_now() < deadline))
		nanosleep(&ts, NULL);
}

void
xt_session_close(struct xt_session *s)
{
	if (s->state == ST_CLOSED || s->state == ST_IDLE ||
	    !xmpp_conn_is_connected(s->conn)) {
		s->state = ST_CLOSED;
		return;
	}
	/* Delivery is proved before we get here (the barrier), so there
	 * is nothing to wait for: the server's </stream:stream> and TLS
	 * close_notify would only cost 100 ms or more on some servers. */
	set_state(s, ST_CLOSING);
	xmpp_send_raw_string(s->conn, "</stream:stream>");
	xmpp_run_once(s->ctx, 0);
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_RD);
}

void
xt_session_free(struct xt_session *s)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	if (s == NULL)
		return;
	setitimer(ITIMER_REAL, &off, NULL);
	xt_iq_release(s);
	if (s->state != ST_CLOSED && s->state != ST_IDLE)
		s->state = ST_CLOSING;
	if (s->status != 0)
		abort_link(s);
	/* The certificate uses the context's allocator: free it first. */
	if (s->cert != NULL)
		xmpp_tlscert_free(s->cert);
	xmpp_conn_release(s->conn);
	xmpp_ctx_free(s->ctx);
	xmpp_shutdown();
	xt_scram_free(s->scram);
	free(s->offered);
	free(s->features);
	free(s->targets);
	free(s->jid);
	free(s->bound);
	free(s->domain);
	free(s->local);
	if (current == s)
		current = NULL;
	free(s);
}
