/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-roster: the contact list from scripts (RFC 6121), kept equal to a
 * file: list, add, remove, subscriptions, pending requests, export and
 * import. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "xt.h"

#define NS_ROSTER "jabber:iq:roster"
#define NS_PREAPPROVAL "urn:xmpp:features:pre-approval"
/* An import file: 2000 items are 200 KB; a million fit. */
#define IMPORT_MAX (256u << 20)

static struct {
	char *name, *wait, *parallel, *priority;
	const char **groups;
	int subscribe, dry_run, prune;
} opt;

static struct poptOption table[] = {
	{ "name", 'n', POPT_ARG_STRING, &opt.name, 0,
	    "add: the contact's name", "NAME" },
	{ "group", 'g', POPT_ARG_ARGV, &opt.groups, 0,
	    "add: a group of the contact (repeatable); list, export: only "
	    "this group", "GROUP" },
	{ "subscribe", 's', POPT_ARG_NONE, &opt.subscribe, 0,
	    "add, import: also ask each contact for a subscription", NULL },
	{ "wait", 'W', POPT_ARG_STRING, &opt.wait, 0,
	    "pending: keep listening for new requests for S seconds", "S" },
	{ "priority", '\0', POPT_ARG_STRING, &opt.priority, 0,
	    "pending: the priority of the presence sent (default -1: no "
	    "message comes to this run)", "N" },
	{ "dry-run", '\0', POPT_ARG_NONE, &opt.dry_run, 0,
	    "import: print the changes, send none", NULL },
	{ "prune", '\0', POPT_ARG_NONE, &opt.prune, 0,
	    "import: remove the contacts the file does not list", NULL },
	{ "parallel", 'P', POPT_ARG_STRING, &opt.parallel, 0,
	    "import: changes in flight at once at most (default 64)", "N" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

static struct xt_session *S;
static struct {
	double wait;
	long parallel;
	int priority;
} cfg = { 0, 64, -1 };

/* ---- JIDs ---- */

/* A contact's JID as the server stores it: checked, bare, without a
 * trailing dot, in lowercase as servers casefold it (so that a file that
 * says Bob@Example.org is not a change every run). malloc'd, or NULL with
 * *why. */
static char *
contact_jid(const char *s, const char **why)
{
	char *j, *p;

	if (!xt_jid_valid(s, why))
		return NULL;
	if (strchr(s, '/') != NULL) {
		*why = "a contact is a bare JID, without a resource";
		return NULL;
	}
	j = xt_strdup(s);
	xt_jid_strip_dot(j);
	if ((p = xt_jid_fold(j)) == NULL) {
		free(j);
		*why = "not UTF-8";
		return NULL;
	}
	free(j);
	return p;
}

static char *
checked_jid(const char *s)
{
	const char *why;
	char *j = contact_jid(s, &why);

	if (j == NULL)
		xt_die(XT_USAGE, "invalid JID '%s': %s", s, why);
	return j;
}

static const char *
bare_self(void)
{
	static char bare[3072];
	const char *me = xt_session_jid(S);

	snprintf(bare, sizeof(bare), "%.*s", (int)strcspn(me, "/"), me);
	return bare;
}

/* ---- output ---- */

#define REC(...) do { \
	const char *const f_[] = { __VA_ARGS__ }; \
	xt_write_record(stdout, f_, sizeof(f_) / sizeof(f_[0])); \
} while (0)

static char *
groups_joined(const struct xt_roster_item *it)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < it->ngroups; i++)
		len += strlen(it->groups[i]) + 1;
	if ((s = malloc(len)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	s[0] = '\0';
	for (i = 0; i < it->ngroups; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, it->groups[i]);
	}
	return s;
}

static json_t *
item_json(const struct xt_roster_item *it)
{
	json_t *o = json_object(), *g = json_array();
	size_t i;

	json_object_set_new(o, "jid", json_string(it->jid));
	if (it->name != NULL)
		json_object_set_new(o, "name", json_string(it->name));
	json_object_set_new(o, "subscription",
	    json_string(xt_roster_subscription(it)));
	if (it->ask != NULL)
		json_object_set_new(o, "ask", json_string(it->ask));
	if (it->approved)
		json_object_set_new(o, "approved", json_true());
	for (i = 0; i < it->ngroups; i++)
		json_array_append_new(g, json_string(it->groups[i]));
	json_object_set_new(o, "groups", g);
	return o;
}

static void
item_xml(const struct xt_roster_item *it)
{
	xmpp_stanza_t *st = xmpp_stanza_new(xt_session_ctx(S));
	size_t i;

	xmpp_stanza_set_name(st, "item");
	xmpp_stanza_set_ns(st, NS_ROSTER);
	xmpp_stanza_set_attribute(st, "jid", it->jid);
	if (it->name != NULL)
		xmpp_stanza_set_attribute(st, "name", it->name);
	xmpp_stanza_set_attribute(st, "subscription",
	    xt_roster_subscription(it));
	if (it->ask != NULL)
		xmpp_stanza_set_attribute(st, "ask", it->ask);
	if (it->approved)
		xmpp_stanza_set_attribute(st, "approved", "true");
	for (i = 0; i < it->ngroups; i++)
		xt_stanza_add(st, "group", NULL, it->groups[i]);
	xt_write_stanza(stdout, XT_FMT_XML, st);
	xmpp_stanza_release(st);
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void
csv_field(const char *s)
{
	const char *p;

	if (s == NULL)
		s = "";
	if (*s == '\0')
		return;
	if (strpbrk(s, ",\"\r\n") == NULL && *s != ' ' &&
	    s[strlen(s) - 1] != ' ') {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			putchar('"');
		putchar(*p);
	}
	putchar('"');
}

/* jid,name,group,group...: each group in a field of its own. */
static void
item_csv(const struct xt_roster_item *it)
{
	size_t i;

	csv_field(it->jid);
	putchar(',');
	csv_field(it->name);
	for (i = 0; i < it->ngroups; i++) {
		putchar(',');
		csv_field(it->groups[i]);
	}
	fputs("\r\n", stdout);
}

static void
print_item(const struct xt_roster_item *it)
{
	char *g;

	switch (xt_opt.format) {
	case XT_FMT_JSON:
		xt_write_json(stdout, item_json(it));
		break;
	case XT_FMT_XML:
		item_xml(it);
		break;
	case XT_FMT_CSV:
		item_csv(it);
		break;
	default:
		g = groups_joined(it);
		REC(it->jid, it->name ? it->name : "",
		    xt_roster_subscription(it), it->ask ? it->ask : "", g);
		free(g);
		break;
	}
}

/* ---- list and export ---- */

static int
in_group(const struct xt_roster_item *it, const char *g)
{
	size_t i;

	for (i = 0; i < it->ngroups; i++)
		if (strcmp(it->groups[i], g) == 0)
			return 1;
	return 0;
}

static int
list(int export)
{
	struct xt_roster *r;
	size_t i, j;
	int status = xt_roster_get(S, &r), keep;

	if (status != 0)
		return status;
	if (export && xt_opt.format == XT_FMT_CSV)
		fputs("jid,name,groups\r\n", stdout);
	for (i = 0; i < r->n; i++) {
		keep = opt.groups == NULL;
		for (j = 0; !keep && opt.groups[j] != NULL; j++)
			keep = in_group(&r->items[i], opt.groups[j]);
		if (keep)
			print_item(&r->items[i]);
	}
	xt_roster_free(r);
	return 0;
}

/* ---- changes, confirmed by their result and their push ---- */

/* The JIDs whose push is awaited. */
static struct xt_strset *awaited;

/* The server's form of a JID may differ in case from ours (a non-ASCII
 * capital that it casefolds): both sides are folded to match. */
static void
await_push(const char *jid)
{
	char *k = xt_jid_fold(jid);

	if (awaited == NULL)
		awaited = xt_strset_new();
	xt_strset_add(awaited, k ? k : jid);
	free(k);
}

static void
pushed(const char *jid)
{
	char *k;

	if (awaited == NULL)
		return;
	k = xt_jid_fold(jid);
	xt_strset_remove(awaited, k ? k : jid);
	free(k);
}

static size_t
awaiting(void)
{
	return awaited ? xt_strset_count(awaited) : 0;
}

static void
on_push(const struct xt_roster_item *it, const char *ver, void *arg)
{
	(void)ver;
	(void)arg;
	xt_info(2, "roster push for '%s' (%s)", it->jid,
	    xt_roster_subscription(it));
	pushed(it->jid);
}

struct change {
	struct xt_roster_item *it;
	int remove;
	char sign;		/* + - ~ */
	int done;		/* the server accepted it */
};

static long failed, changed;

static void
set_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct change *c = arg;
	const char *type = reply ? xmpp_stanza_get_type(reply) : NULL;

	(void)s;
	xt_progress(changed + failed + 1);
	if (type != NULL && strcmp(type, "result") == 0) {
		changed++;
		c->done = 1;
		return;
	}
	if (reply == NULL) {
		/* The pool's idle bound: the session has failed. */
		pushed(c->it->jid);
		return;
	}
	failed++;
	/* No push comes for a change refused. */
	pushed(c->it->jid);
	xt_error("cannot %s '%s': %s%s%s", c->remove ? "remove" : c->sign ==
	    '+' ? "add" : "update", c->it->jid, reply ?
	    (xt_error_condition(reply) ? xt_error_condition(reply) :
	    "no result") : "no answer", reply && xt_error_text(reply) ? ": " :
	    "", reply && xt_error_text(reply) ? xt_error_text(reply) : "");
}

static int
all_pushed(void *arg)
{
	(void)arg;
	return awaiting() == 0;
}

static void
send_presence(const char *type, const char *to)
{
	xmpp_stanza_t *p = xmpp_presence_new(xt_session_ctx(S));

	xmpp_stanza_set_type(p, type);
	xmpp_stanza_set_to(p, to);
	xt_session_send(S, p);
	xmpp_stanza_release(p);
}

/* Send the changes, at most --parallel in flight; then wait for the push
 * of each one the server accepted, and prove any presence sent was
 * processed. subscribe: 1 ask the new contacts for a subscription, 2 all
 * of them. 0, 1 when some failed (each said), or the session's code. */
static int
apply(struct change *c, size_t n, int subscribe)
{
	struct xt_iq_pool *pool = xt_iq_pool_new(S, (int)cfg.parallel, 0, 0);
	size_t i;
	int status;

	/* Thousands of changes take a slow server minutes: -w bounds the
	 * time without progress, not the whole import. */
	xt_iq_pool_set_idle(pool, xt_opt.timeout_s);
	xt_session_set_deadline(S, 0);
	xt_progress_start("roster changes", n);
	for (i = 0; i < n; i++) {
		await_push(c[i].it->jid);
		xt_iq_pool_add(pool, xt_roster_set_new(xt_session_ctx(S), NULL,
		    c[i].it, c[i].remove), set_cb, &c[i]);
	}
	status = xt_iq_pool_run(pool);
	xt_iq_pool_free(pool);
	xt_progress_end();
	xt_session_set_deadline(S, xt_opt.timeout_s);
	if (status == 0 && awaiting() > 0) {
		xt_info(1, "waiting for the roster pushes of %zu changes",
		    awaiting());
		status = xt_session_run(S, all_pushed, NULL);
		if (status == XT_TEMPFAIL)
			xt_error("the server confirmed %zu %s but did not push "
			    "%s within -w", awaiting(), awaiting() == 1 ?
			    "change" : "changes", awaiting() == 1 ? "it" :
			    "them");
	}
	if (status == 0 && subscribe) {
		for (i = 0; i < n; i++)
			if (c[i].done && !c[i].remove && (c[i].sign == '+' ||
			    subscribe > 1))
				send_presence("subscribe", c[i].it->jid);
		status = xt_barrier(S);
	}
	if (status == 0 && failed > 0) {
		xt_error("%ld of %zu changes failed", failed, n);
		status = XT_NEGATIVE;
	}
	xt_strset_free(awaited);
	awaited = NULL;
	return status;
}

/* ---- add, remove ---- */

static int
add(const char **jids)
{
	struct xt_roster *r;
	struct xt_roster_item *want, *cur;
	struct xt_strset *named = xt_strset_new();
	struct change *c;
	size_t n, i, j, k = 0;
	int status;

	for (n = 0; jids[n] != NULL; n++)
		;
	if ((status = xt_roster_get(S, &r)) != 0)
		return status;
	want = calloc(n, sizeof(*want));
	c = calloc(n, sizeof(*c));
	if (want == NULL || c == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (i = 0; i < n; i++) {
		want[i].jid = checked_jid(jids[i]);
		/* The same contact twice is one change. */
		if (!xt_strset_add(named, want[i].jid))
			continue;
		cur = xt_roster_find(r, want[i].jid);
		/* What is not given stays as it is. */
		want[i].name = xt_strdup(opt.name ? opt.name : cur ?
		    cur->name : NULL);
		if (opt.groups != NULL)
			for (j = 0; opt.groups[j] != NULL; j++)
				xt_roster_item_add_group(&want[i],
				    opt.groups[j]);
		else
			for (j = 0; cur != NULL && j < cur->ngroups; j++)
				xt_roster_item_add_group(&want[i],
				    cur->groups[j]);
		xt_roster_item_sort(&want[i]);
		/* Nothing to change: no set, so no push to wait for. */
		if (cur != NULL && xt_roster_same(cur, &want[i])) {
			xt_info(1, "'%s' is in the roster as asked",
			    want[i].jid);
			if (opt.subscribe)
				send_presence("subscribe", want[i].jid);
			continue;
		}
		c[k].it = &want[i];
		c[k].sign = cur ? '~' : '+';
		k++;
	}
	status = apply(c, k, opt.subscribe ? 2 : 0);
	if (status == 0 && k < n && opt.subscribe)
		status = xt_barrier(S);
	xt_strset_free(named);
	for (i = 0; i < n; i++)
		xt_roster_item_clear(&want[i]);
	free(want);
	free(c);
	xt_roster_free(r);
	return status;
}

static int
remove_items(const char **jids)
{
	struct xt_roster *r;
	struct xt_roster_item *it;
	struct xt_strset *named = xt_strset_new();
	struct change *c;
	size_t n, i, k = 0;
	int status, absent = 0;

	for (n = 0; jids[n] != NULL; n++)
		;
	if ((status = xt_roster_get(S, &r)) != 0)
		return status;
	it = calloc(n, sizeof(*it));
	c = calloc(n, sizeof(*c));
	if (it == NULL || c == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (i = 0; i < n; i++) {
		it[k].jid = checked_jid(jids[i]);
		if (!xt_strset_add(named, it[k].jid)) {
			free(it[k].jid);
			it[k].jid = NULL;
			continue;
		}
		if (xt_roster_find(r, it[k].jid) == NULL) {
			xt_error("'%s' is not in the roster of '%s'",
			    it[k].jid, bare_self());
			free(it[k].jid);
			it[k].jid = NULL;
			absent++;
			continue;
		}
		c[k].it = &it[k];
		c[k].remove = 1;
		c[k].sign = '-';
		k++;
	}
	status = apply(c, k, 0);
	if (status == 0 && absent)
		status = XT_NEGATIVE;
	xt_strset_free(named);
	for (i = 0; i < k; i++)
		xt_roster_item_clear(&it[i]);
	free(it);
	free(c);
	xt_roster_free(r);
	return status;
}

/* ---- subscriptions ---- */

static int
subscription(const char *what, const char **jids)
{
	static const struct {
		const char *cmd, *type;
	} map[] = {
		{ "subscribe", "subscribe" }, { "unsubscribe", "unsubscribe" },
		{ "approve", "subscribed" }, { "deny", "unsubscribed" },
	};
	const char *type = NULL;
	struct xt_roster *r;
	struct xt_roster_item *it;
	char **j;
	size_t n, i;
	int status, negative = 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].cmd, what) == 0)
			type = map[i].type;
	for (n = 0; jids[n] != NULL; n++)
		;
	if ((j = calloc(n, sizeof(*j))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (i = 0; i < n; i++)
		j[i] = checked_jid(jids[i]);
	for (i = 0; i < n; i++)
		send_presence(type, j[i]);
	/* The server has processed them all once it answers this. */
	status = xt_barrier(S);
	if (status == 0 && strcmp(what, "approve") == 0 &&
	    (status = xt_roster_get(S, &r)) == 0) {
		/* After the barrier the roster says what the approval did:
		 * a subscription from them, or a pre-approval, or nothing
		 * when they had not asked and pre-approval is not offered. */
		for (i = 0; i < n; i++) {
			it = xt_roster_find(r, j[i]);
			if (it != NULL && (strcmp(xt_roster_subscription(it),
			    "from") == 0 || strcmp(xt_roster_subscription(it),
			    "both") == 0)) {
				xt_info(1, "'%s' may now see the presence of "
				    "'%s'", j[i], bare_self());
			} else if (xt_session_has_feature(S, NS_PREAPPROVAL)) {
				/* Prosody 0.12 keeps it without saying
				 * approved="true" in the roster. */
				xt_info(1, "pre-approved '%s': a request from "
				    "it will be accepted", j[i]);
			} else {
				xt_error("'%s' has not asked to subscribe, and "
				    "'%s' does not offer pre-approval (RFC 6121 "
				    "3.4): nothing was approved", j[i],
				    xt_session_domain(S));
				negative = 1;
			}
		}
		xt_roster_free(r);
	}
	for (i = 0; i < n; i++)
		free(j[i]);
	free(j);
	return status ? status : negative ? XT_NEGATIVE : 0;
}

/* ---- pending ---- */

static struct {
	char **jids;
	size_t n;
} pend;

static int
on_subscribe(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *from = xmpp_stanza_get_from(st);
	char *bare, *status = NULL, *nick = NULL;
	xmpp_stanza_t *c;
	const char *why;
	size_t i;
	json_t *o;

	(void)conn;
	(void)arg;
	if (from == NULL || (bare = contact_jid(from, &why)) == NULL)
		return 1;
	bare[strcspn(bare, "/")] = '\0';
	for (i = 0; i < pend.n; i++)
		if (strcmp(pend.jids[i], bare) == 0) {
			free(bare);
			return 1;
		}
	pend.jids = xt_grow(pend.jids, pend.n, sizeof(char *));
	pend.jids[pend.n++] = bare;
	if ((c = xmpp_stanza_get_child_by_name(st, "status")) != NULL)
		status = xmpp_stanza_get_text(c);
	if ((c = xmpp_stanza_get_child_by_ns(st,
	    "http://jabber.org/protocol/nick")) != NULL)
		nick = xmpp_stanza_get_text(c);
	if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		json_object_set_new(o, "jid", json_string(bare));
		if (nick)
			json_object_set_new(o, "nick", json_string(nick));
		if (status)
			json_object_set_new(o, "status", json_string(status));
		xt_write_json(stdout, o);
	} else if (xt_opt.format == XT_FMT_XML) {
		xt_write_stanza(stdout, XT_FMT_XML, st);
	} else {
		/* The JID alone, so that `| grep @example.org$` works. */
		REC(bare);
	}
	fflush(stdout);
	if (status)
		xmpp_free(xt_session_ctx(S), status);
	if (nick)
		xmpp_free(xt_session_ctx(S), nick);
	return 1;
}

static double pending_until;

static int
pending_over(void *arg)
{
	(void)arg;
	return xt_signalled || xt_now() >= pending_until;
}

static int
pending(void)
{
	xmpp_stanza_t *p = xmpp_presence_new(xt_session_ctx(S));
	char prio[16];
	int status;
	size_t i;

	xmpp_handler_add(xt_session_conn(S), on_subscribe, NULL, "presence",
	    "subscribe", NULL);
	/* The server hands over the requests that wait for an answer when
	 * we send initial presence (RFC 6121 3.1.3); priority -1, so that
	 * no message meant for the account comes to us. */
	snprintf(prio, sizeof(prio), "%d", cfg.priority);
	xt_stanza_add(p, "priority", NULL, prio);
	xt_session_send(S, p);
	xmpp_stanza_release(p);
	status = xt_barrier(S);
	if (status == 0 && cfg.wait > 0) {
		/* --wait is the time asked for: -w bounded the login and
		 * the handing over, the listening is bounded by --wait. */
		xt_catch_stop_signals();
		xt_session_set_deadline(S, 0);
		pending_until = xt_now() + cfg.wait;
		status = xt_session_run(S, pending_over, NULL);
	}
	xt_info(1, "%zu pending %s", pend.n, pend.n == 1 ? "request" :
	    "requests");
	for (i = 0; i < pend.n; i++)
		free(pend.jids[i]);
	free(pend.jids);
	return status;
}

/* ---- import: the file ---- */

struct wanted {
	struct xt_roster r;
	const char *file;
};

/* What a parse holds that bad_input() must free before it exits. */
static json_t *held_json;
static char *held_field;

static void __attribute__((noreturn, format(printf, 3, 4)))
bad_input(const struct wanted *w, unsigned long line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(held_json);
	free(held_field);
	if (line > 0)
		xt_die(XT_DATAERR, "%s:%lu: %s", w->file, line, msg);
	xt_die(XT_DATAERR, "%s: %s", w->file, msg);
}

static struct xt_roster_item *
new_item(struct wanted *w, const char *jid, unsigned long line)
{
	struct xt_roster_item *it;
	const char *why;
	char *j = contact_jid(jid, &why);

	if (j == NULL)
		bad_input(w, line, "invalid JID '%s': %s", jid, why);
	w->r.items = xt_grow(w->r.items, w->r.n, sizeof(*it));
	it = &w->r.items[w->r.n++];
	memset(it, 0, sizeof(*it));
	it->jid = j;
	return it;
}

static void
from_json(struct wanted *w, const char *buf, size_t len)
{
	json_error_t err;
	json_t *all, *o, *v, *g;
	size_t i, k, off = 0, n;
	unsigned long line = 0;
	struct xt_roster_item *it;
	int array;

	while (off < len && strchr(" \t\r\n", buf[off]))
		off++;
	array = off < len && buf[off] == '[';
	while (off < len) {
		/* JSON Lines (what export writes), or one array. */
		if (array) {
			all = json_loadb(buf + off, len - off, 0, &err);
			off = len;
		} else {
			n = strcspn(buf + off, "\n");
			line++;
			if (strspn(buf + off, " \t\r") >= n) {
				off += n + 1;
				continue;
			}
			all = json_loadb(buf + off, n, 0, &err);
			off += n + 1;
		}
		if (all == NULL)
			bad_input(w, array ? (unsigned long)err.line : line,
			    "not JSON: %s", err.text);
		held_json = all;
		for (i = 0; i < (json_is_array(all) ? json_array_size(all) :
		    1); i++) {
			o = json_is_array(all) ? json_array_get(all, i) : all;
			v = json_object_get(o, "jid");
			if (!json_is_object(o) || !json_is_string(v))
				bad_input(w, array ? 0 : line, "an item without "
				    "a \"jid\" string");
			it = new_item(w, json_string_value(v), line);
			v = json_object_get(o, "name");
			if (v != NULL && !json_is_null(v) && !json_is_string(v))
				bad_input(w, line, "\"name\" of '%s' is not a "
				    "string", it->jid);
			if (json_is_string(v))
				it->name = xt_strdup(json_string_value(v));
			g = json_object_get(o, "groups");
			if (g != NULL && !json_is_array(g))
				bad_input(w, line, "\"groups\" of '%s' is not "
				    "an array", it->jid);
			json_array_foreach(g, k, v) {
				if (!json_is_string(v))
					bad_input(w, line, "a group of '%s' is "
					    "not a string", it->jid);
				xt_roster_item_add_group(it,
				    json_string_value(v));
			}
		}
		json_decref(all);
		held_json = NULL;
	}
}

static void
xml_item(struct wanted *w, xmpp_stanza_t *st, unsigned long line)
{
	struct xt_roster_item parsed, *it;

	if (xt_roster_item_parse(st, &parsed) != 0)
		bad_input(w, line, "an <item/> without a jid");
	it = new_item(w, parsed.jid, line);
	it->name = parsed.name;
	it->groups = parsed.groups;
	it->ngroups = parsed.ngroups;
	parsed.name = NULL;
	parsed.groups = NULL;
	parsed.ngroups = 0;
	xt_roster_item_clear(&parsed);
}

struct xml_ctx {
	struct wanted *w;
	struct xt_reader *r;
};

/* <item/> lines (what export writes), or a <query/>, or an <iq/>. */
static int
xml_cb(xmpp_stanza_t *st, void *arg)
{
	struct xml_ctx *x = arg;
	xmpp_stanza_t *c, *q = st;
	unsigned long line = xt_reader_line(x->r);

	if (strcmp(xmpp_stanza_get_name(st), "item") == 0) {
		xml_item(x->w, st, line);
		return 0;
	}
	if (strcmp(xmpp_stanza_get_name(st), "iq") == 0)
		q = xmpp_stanza_get_child_by_ns(st, NS_ROSTER);
	if (q == NULL || strcmp(xmpp_stanza_get_name(q), "query") != 0)
		bad_input(x->w, line, "expected <item/> or a roster <query/>, "
		    "not <%s/>", xmpp_stanza_get_name(st));
	for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) && strcmp(xmpp_stanza_get_name(c),
		    "item") == 0)
			xml_item(x->w, c, line);
	return 0;
}

static void
from_xml(struct wanted *w, const char *buf, size_t len)
{
	struct xml_ctx x = { w, NULL };
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);

	x.r = xt_reader_new(ctx, xml_cb, &x);
	if (xt_reader_feed(x.r, buf, len, 1) < 0)
		xt_die(XT_DATAERR, "%s: %s", w->file, xt_reader_error(x.r));
	xt_reader_free(x.r);
	xmpp_ctx_free(ctx);
}

/* One CSV record (RFC 4180) from *p: fields into f (at most max), their
 * count returned; *p moves past the record. Quoted fields may hold
 * commas, quotes ("") and line breaks. */
static size_t
csv_record(const char **p, const char *end, char **f, size_t max,
    unsigned long *line, struct wanted *w)
{
	const char *s = *p;
	size_t n = 0, len, cap;
	char *out;

	for (;;) {
		cap = 64;
		len = 0;
		if ((out = malloc(cap)) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		held_field = out;
		if (s < end && *s == '"') {
			unsigned long open_line = *line;

			for (s++;; s++) {
				if (s >= end)
					bad_input(w, open_line, "a quote not "
					    "closed");
				if (*s == '"' && s + 1 < end && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				if (*s == '\n')
					(*line)++;
				if (len + 2 > cap && (held_field = out =
				    realloc(out, cap *= 2)) == NULL)
					xt_die(XT_SOFTWARE, "out of memory");
				out[len++] = *s;
			}
			s++;
		} else {
			while (s < end && *s != ',' && *s != '\n' &&
			    *s != '\r') {
				if (len + 2 > cap && (held_field = out =
				    realloc(out, cap *= 2)) == NULL)
					xt_die(XT_SOFTWARE, "out of memory");
				out[len++] = *s++;
			}
		}
		out[len] = '\0';
		if (s < end && *s != ',' && *s != '\r' && *s != '\n')
			bad_input(w, *line, "text after a closing quote");
		held_field = NULL;
		if (n < max)
			f[n++] = out;
		else
			free(out);
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
		else if (s < end)
			bad_input(w, *line, "text after a closing quote");
		break;
	}
	(*line)++;
	*p = s;
	return n;
}

static void
from_csv(struct wanted *w, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	unsigned long line = 1, at;
	char *f[1002];
	size_t n, i;
	struct xt_roster_item *it;

	while (p < end) {
		at = line;
		n = csv_record(&p, end, f, 1002, &line, w);
		if (n == 1 && f[0][0] == '\0') {
			free(f[0]);
			continue;	/* an empty line */
		}
		/* The header that export writes. */
		if (at == 1 && strcmp(f[0], "jid") == 0) {
			for (i = 0; i < n; i++)
				free(f[i]);
			continue;
		}
		it = new_item(w, f[0], at);
		if (n > 1 && f[1][0] != '\0')
			it->name = xt_strdup(f[1]);
		for (i = 2; i < n; i++)
			if (f[i][0] != '\0')
				xt_roster_item_add_group(it, f[i]);
		for (i = 0; i < n; i++)
			free(f[i]);
	}
}

static void
read_wanted(struct wanted *w, const char *path)
{
	struct stat st;
	char *buf;
	size_t len, off = 0;
	int fd;

	w->file = strcmp(path, "-") == 0 ? "stdin" : path;
	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = xt_file_open(path, &st);
	if (fd < 0)
		xt_die(XT_NOINPUT, "cannot open '%s': %s", path,
		    xt_strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size > IMPORT_MAX)
		xt_die(XT_DATAERR, "%s: larger than %u MiB", w->file,
		    IMPORT_MAX >> 20);
	buf = xt_file_read_data(fd, IMPORT_MAX, xt_now() + xt_opt.timeout_s,
	    w->file, &len);
	close(fd);
	if (xt_file_nul_line(buf, len) > 0)
		xt_die(XT_DATAERR, "%s:%lu: a NUL byte: this is not a text file",
		    w->file, xt_file_nul_line(buf, len));
	while (off < len && strchr(" \t\r\n", buf[off]))
		off++;
	if (off < len && (buf[off] == '{' || buf[off] == '['))
		from_json(w, buf, len);
	else if (off < len && buf[off] == '<')
		from_xml(w, buf, len);
	else
		from_csv(w, buf, len);
	free(buf);
	for (off = 0; off < w->r.n; off++)
		xt_roster_item_sort(&w->r.items[off]);
	xt_roster_sort(&w->r);
}

/* ---- import: the changes ---- */

static void
print_change(char sign, const struct xt_roster_item *it, const char *what)
{
	json_t *o;

	if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		json_object_set_new(o, "change", json_stringn(&sign, 1));
		json_object_set_new(o, "jid", json_string(it->jid));
		if (what != NULL)
			json_object_set_new(o, "fields", json_string(what));
		xt_write_json(stdout, o);
	} else if (what != NULL) {
		printf("%c %s %s\n", sign, it->jid, what);
	} else {
		printf("%c %s\n", sign, it->jid);
	}
}

static int
groups_same(const struct xt_roster_item *a, const struct xt_roster_item *b)
{
	size_t i;

	if (a->ngroups != b->ngroups)
		return 0;
	for (i = 0; i < a->ngroups; i++)
		if (strcmp(a->groups[i], b->groups[i]) != 0)
			return 0;
	return 1;
}

static struct wanted wanted;

static int
import(void)
{
	struct wanted *w = &wanted;
	struct xt_roster *r;
	struct xt_roster_item *cur;
	struct change *c;
	size_t i, n = 0;
	int status, name_diff, groups_diff;

	if ((status = xt_roster_get(S, &r)) != 0)
		return status;
	if ((c = calloc(w->r.n + r->n + 1, sizeof(*c))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (i = 0; i < w->r.n; i++) {
		cur = xt_roster_find(r, w->r.items[i].jid);
		if (cur != NULL && xt_roster_same(cur, &w->r.items[i]))
			continue;
		c[n].it = &w->r.items[i];
		c[n].sign = cur ? '~' : '+';
		if (cur == NULL) {
			print_change('+', c[n].it, NULL);
		} else {
			name_diff = strcmp(cur->name ? cur->name : "",
			    c[n].it->name ? c[n].it->name : "") != 0;
			groups_diff = !groups_same(cur, c[n].it);
			print_change('~', c[n].it, name_diff && groups_diff ?
			    "name,groups" : name_diff ? "name" : "groups");
		}
		n++;
	}
	for (i = 0; opt.prune && i < r->n; i++) {
		if (xt_roster_find(&w->r, r->items[i].jid) != NULL)
			continue;
		c[n].it = &r->items[i];
		c[n].remove = 1;
		c[n].sign = '-';
		print_change('-', c[n].it, NULL);
		n++;
	}
	fflush(stdout);
	xt_info(1, "%zu %s to make (%zu in the file, %zu in the roster)", n,
	    n == 1 ? "change" : "changes", w->r.n, r->n);
	if (!opt.dry_run && n > 0)
		status = apply(c, n, opt.subscribe);
	free(c);
	xt_roster_free(r);
	for (i = 0; i < w->r.n; i++)
		xt_roster_item_clear(&w->r.items[i]);
	free(w->r.items);
	return status;
}

/* ---- main ---- */

static const struct {
	const char *name;
	int min, max;		/* JID arguments */
} commands[] = {
	{ "list", 0, 0 }, { "export", 0, 0 }, { "add", 1, -1 },
	{ "remove", 1, -1 }, { "subscribe", 1, -1 }, { "unsubscribe", 1, -1 },
	{ "approve", 1, -1 }, { "deny", 1, -1 }, { "pending", 0, 0 },
	{ "import", 1, 1 },
};

static void
check_args(const char *cmd, const char **args, int nargs)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		xt_die(XT_USAGE, "unknown command '%s': expected list, add, "
		    "remove, subscribe, unsubscribe, approve, deny, pending, "
		    "export or import", cmd);
	if (nargs < commands[i].min)
		xt_die(XT_USAGE, "%s: %s", cmd, strcmp(cmd, "import") == 0 ?
		    "which file? (- for stdin)" : "which JID?");
	if (commands[i].max >= 0 && nargs > commands[i].max)
		xt_die(XT_USAGE, "%s: too many arguments: '%s'", cmd,
		    args[commands[i].max]);
	if (opt.name && strcmp(cmd, "add") != 0)
		xt_die(XT_USAGE, "--name is for add");
	if (opt.name && nargs > 1)
		xt_die(XT_USAGE, "--name names one contact: add one JID");
	if (opt.groups && strcmp(cmd, "add") != 0 && strcmp(cmd, "list") != 0
	    && strcmp(cmd, "export") != 0)
		xt_die(XT_USAGE, "--group is for add, list and export");
	if (opt.subscribe && strcmp(cmd, "add") != 0 &&
	    strcmp(cmd, "import") != 0)
		xt_die(XT_USAGE, "--subscribe is for add and import");
	if ((opt.dry_run || opt.prune) && strcmp(cmd, "import") != 0)
		xt_die(XT_USAGE, "--dry-run and --prune are for import");
	if (opt.dry_run && opt.subscribe)
		xt_die(XT_USAGE, "--dry-run sends nothing: not with "
		    "--subscribe");
	if (opt.wait && strcmp(cmd, "pending") != 0)
		xt_die(XT_USAGE, "--wait is for pending");
	if (opt.parallel && strcmp(cmd, "import") != 0)
		xt_die(XT_USAGE, "--parallel is for import");
	if (opt.priority && strcmp(cmd, "pending") != 0)
		xt_die(XT_USAGE, "--priority is for pending");
	if (opt.priority)
		cfg.priority = (int)xt_parse_whole("--priority", opt.priority,
		    -128, 127);
	if (opt.wait)
		cfg.wait = xt_parse_number("--wait", opt.wait, 0, 86400);
	if (opt.parallel)
		cfg.parallel = xt_parse_whole("--parallel", opt.parallel, 1,
		    1000);
}

static int
run(const char *cmd, const char **args)
{
	/* Pushes come to a resource that asked for the roster; each is
	 * answered, and those of our changes are awaited. */
	xt_roster_on_push(S, on_push, NULL);
	if (strcmp(cmd, "list") == 0)
		return list(0);
	if (strcmp(cmd, "export") == 0)
		return list(1);
	if (strcmp(cmd, "pending") == 0)
		return pending();
	if (strcmp(cmd, "add") == 0)
		return add(args);
	if (strcmp(cmd, "remove") == 0)
		return remove_items(args);
	if (strcmp(cmd, "import") == 0)
		return import();
	return subscription(cmd, args);
}

int
main(int argc, const char **argv)
{
	static const char *none[] = { NULL };
	poptContext pc;
	const char **args, *cmd;
	int status, nargs, i;

	static const char *const names[] = { "list", "add", "remove",
		"subscribe", "unsubscribe", "approve", "deny", "pending",
		"export", "import", NULL };

	xt_init(argv[0]);
	xt_format_csv = 1;
	xt_set_commands(names);
	pc = xt_parse_args(argc, argv, table, "COMMAND [ARG...]");
	args = poptGetArgs(pc);
	if (args == NULL || args[0] == NULL)
		xt_die(XT_USAGE, "which command? list, add, remove, subscribe, "
		    "unsubscribe, approve, deny, pending, export or import");
	cmd = args[0];
	args = args[1] ? args + 1 : none;
	for (nargs = 0; args[nargs] != NULL; nargs++)
		;
	check_args(cmd, args, nargs);
	/* export writes what import reads: JSON Lines unless told. */
	xt_opts_finish(strcmp(cmd, "export") == 0 ? XT_FMT_JSON : XT_FMT_TEXT);
	if (xt_opt.format == XT_FMT_CSV && strcmp(cmd, "export") != 0 &&
	    strcmp(cmd, "list") != 0)
		xt_die(XT_USAGE, "-o csv is for list and export");
	if (xt_opt.format == XT_FMT_XML && strcmp(cmd, "import") == 0)
		xt_die(XT_USAGE, "import prints its changes as text or JSON: "
		    "use -o text or -o json");
	/* JIDs are checked before connecting: a typo costs no login. */
	if (strcmp(cmd, "import") != 0)
		for (i = 0; args[i] != NULL; i++)
			free(checked_jid(args[i]));
	/* The file first: a bad one is an error before any connection. */
	if (strcmp(cmd, "import") == 0)
		read_wanted(&wanted, args[0]);
	/* An empty export (a failed query in a cron job) must not wipe a
	 * roster: emptying one is `xmpp-roster remove` of each contact. */
	if (strcmp(cmd, "import") == 0 && opt.prune && wanted.r.n == 0)
		xt_die(XT_DATAERR, "%s lists no contact: --prune would remove "
		    "every one; refusing", wanted.file);
	/* What prints its results needs a stdout. */
	if (strcmp(cmd, "list") == 0 || strcmp(cmd, "export") == 0 ||
	    strcmp(cmd, "pending") == 0 || strcmp(cmd, "import") == 0)
		xt_need_stdout();
	xt_account_password(&xt_opt);
	S = xt_session_new();
	status = xt_session_connect(S);
	xt_account_forget(&xt_opt);
	if (status == 0)
		status = run(cmd, args);
	if (status != 0 && xt_session_error(S) != NULL)
		xt_error("%s", xt_session_error(S));
	xt_session_close(S);
	xt_session_free(S);
	poptFreeContext(pc);
	xt_close_stdout();
	return status;
}
