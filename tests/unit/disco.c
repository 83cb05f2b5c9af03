/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/disco.c and common/form.c: disco replies read,
 * data forms read and built. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tap.h"
#include "xt.h"

static xmpp_ctx_t *ctx;
static xmpp_stanza_t *parsed;

static int
keep(xmpp_stanza_t *st, void *arg)
{
	(void)arg;
	parsed = xmpp_stanza_clone(st);
	return 1;
}

static xmpp_stanza_t *
parse(const char *xml)
{
	struct xt_reader *r = xt_reader_new(ctx, keep, NULL);

	parsed = NULL;
	if (xt_reader_feed(r, xml, strlen(xml), 1) < 0)
		printf("# parse error: %s\n", xt_reader_error(r));
	xt_reader_free(r);
	return parsed;
}

static char *
xml_of(xmpp_stanza_t *st)
{
	return xt_stanza_xml_line(st);
}

#define INFO_NS "http://jabber.org/protocol/disco#info"
#define ITEMS_NS "http://jabber.org/protocol/disco#items"

static void
test_info(void)
{
	xmpp_stanza_t *st = parse("<iq type='result' from='example.org' id='1'>"
	    "<query xmlns='" INFO_NS "'>"
	    "<identity category='server' type='im' name='Prosody'/>"
	    "<identity category='pubsub' type='pep' xml:lang='en'/>"
	    "<feature var='urn:xmpp:ping'/><feature var='jabber:iq:version'/>"
	    "<feature/>"	/* no var: skipped */
	    "<feature var='http://jabber.org/protocol/disco#info'/>"
	    "<x xmlns='jabber:x:data' type='result'>"
	    "<field var='FORM_TYPE' type='hidden'><value>"
	    "http://jabber.org/network/serverinfo</value></field>"
	    "<field var='admin-addresses' type='list-multi'>"
	    "<value>mailto:admin@example.org</value>"
	    "<value>xmpp:admin@example.org</value></field>"
	    "<field var='abuse-addresses'/>"
	    "</x>"
	    "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'>"
	    "<value>urn:example:other</value></field></x>"
	    "</query></iq>");
	struct xt_disco_info *d = xt_disco_info_parse(st);
	const struct xt_form *f;
	const struct xt_field *fl;
	json_t *j;
	char *s;

	ok(d != NULL, "a disco#info result is read");
	if (d == NULL)
		return;
	ok(d->nids == 2, "two identities");
	is(d->ids[0].name, "Prosody", "... with the name");
	is(d->ids[1].lang, "en", "... and xml:lang");
	ok(d->ids[1].name == NULL, "an absent name is NULL");
	ok(d->nfeatures == 3, "three features (one without var skipped)");
	is(d->features[0], "http://jabber.org/protocol/disco#info",
	    "features sorted");
	ok(xt_disco_has(d, "urn:xmpp:ping"), "xt_disco_has: present");
	ok(!xt_disco_has(d, "urn:xmpp:mam:2"), "xt_disco_has: absent");
	ok(!xt_disco_has(NULL, "urn:xmpp:ping"), "xt_disco_has: no info");
	ok(xt_disco_identity(d, "pubsub", "pep") == &d->ids[1],
	    "xt_disco_identity by category and type");
	ok(xt_disco_identity(d, "server", NULL) == &d->ids[0],
	    "... by category alone");
	ok(xt_disco_identity(d, "conference", NULL) == NULL, "... absent");
	ok(d->nforms == 2, "two extended information forms");
	f = xt_disco_form(d, "http://jabber.org/network/serverinfo");
	ok(f != NULL && f == d->forms[0], "xt_disco_form by FORM_TYPE");
	ok(xt_disco_form(d, "urn:example:none") == NULL, "... absent");
	fl = xt_form_field(f, "admin-addresses");
	ok(fl != NULL && fl->nvalues == 2, "a field with two values");
	if (fl != NULL && fl->nvalues == 2)
		is(fl->values[1], "xmpp:admin@example.org", "... in order");
	fl = xt_form_field(f, "abuse-addresses");
	ok(fl != NULL && fl->nvalues == 0 && fl->type == NULL,
	    "a field without values or type");
	j = xt_form_json(f);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	is(s, "{\"form_type\":\"http://jabber.org/network/serverinfo\","
	    "\"type\":\"result\",\"fields\":[{\"var\":\"FORM_TYPE\","
	    "\"type\":\"hidden\",\"values\":[\"http://jabber.org/network/"
	    "serverinfo\"]},{\"var\":\"admin-addresses\",\"type\":"
	    "\"list-multi\",\"values\":[\"mailto:admin@example.org\","
	    "\"xmpp:admin@example.org\"]},{\"var\":\"abuse-addresses\","
	    "\"values\":[]}]}", "xt_form_json");
	free(s);
	json_decref(j);
	xt_disco_info_free(d);
	xmpp_stanza_release(st);
}

static void
test_not_info(void)
{
	struct xt_disco_items *items;
	xmpp_stanza_t *st;

	st = parse("<iq type='error' id='1'><query xmlns='" INFO_NS "'/>"
	    "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:"
	    "ns:xmpp-stanzas'/></error></iq>");
	ok(xt_disco_info_parse(st) == NULL, "an error reply is no info");
	xmpp_stanza_release(st);
	st = parse("<iq type='result' id='1'><query xmlns='" ITEMS_NS
	    "'/></iq>");
	ok(xt_disco_info_parse(st) == NULL, "an items reply is no info");
	items = xt_disco_items_parse(st);
	ok(items != NULL && items->n == 0, "... but items, none");
	xt_disco_items_free(items);
	xmpp_stanza_release(st);
	st = parse("<iq type='result' id='1'/>");
	ok(xt_disco_info_parse(st) == NULL && (items =
	    xt_disco_items_parse(st)) == NULL, "an empty result is neither");
	xmpp_stanza_release(st);
}

static void
test_items(void)
{
	xmpp_stanza_t *st = parse("<iq type='result' id='2'><query xmlns='"
	    ITEMS_NS "'><item jid='conference.example.org' name='Rooms'/>"
	    "<item jid='pubsub.example.org' node='princely_musings'/>"
	    "<item name='no jid: skipped'/><other jid='x'/>"
	    "</query></iq>");
	struct xt_disco_items *d = xt_disco_items_parse(st);

	ok(d != NULL && d->n == 2, "two items (no jid, other elements "
	    "skipped)");
	if (d != NULL && d->n == 2) {
		is(d->items[0].name, "Rooms", "the name");
		ok(d->items[0].node == NULL, "no node");
		is(d->items[1].node, "princely_musings", "a node");
	}
	xt_disco_items_free(d);
	xmpp_stanza_release(st);
}

static void
test_requests(void)
{
	xmpp_stanza_t *iq = xt_disco_new(ctx, "a1", "conference.example.org",
	    NULL, 1);
	char *s = xml_of(iq);

	is(s, "<iq id=\"a1\" to=\"conference.example.org\" type=\"get\">"
	    "<query xmlns=\"" ITEMS_NS "\"/></iq>", "a disco#items request");
	free(s);
	xmpp_stanza_release(iq);
	iq = xt_disco_new(ctx, "a2", NULL, "http://jabber.org/protocol/"
	    "commands", 0);
	s = xml_of(iq);
	is(s, "<iq id=\"a2\" type=\"get\"><query xmlns=\"" INFO_NS "\" "
	    "node=\"http://jabber.org/protocol/commands\"/></iq>",
	    "a disco#info request of a node, without to");
	free(s);
	xmpp_stanza_release(iq);
}

static void
test_build(void)
{
	xmpp_stanza_t *q = xmpp_stanza_new(ctx), *x, *f;
	char *s;

	xmpp_stanza_set_name(q, "query");
	x = xt_form_add(q, "submit", "urn:xmpp:mam:2");
	xt_form_add_field(x, "start", "2026-01-01T00:00:00Z");
	f = xt_form_add_field(x, "muc#roomconfig_roomname", NULL);
	ok(f != NULL, "a field without a value");
	s = xml_of(q);
	is(s, "<query><x xmlns=\"jabber:x:data\" type=\"submit\"><field "
	    "type=\"hidden\" var=\"FORM_TYPE\"><value>urn:xmpp:mam:2</value>"
	    "</field><field var=\"start\"><value>2026-01-01T00:00:00Z</value>"
	    "</field><field var=\"muc#roomconfig_roomname\"/></x></query>",
	    "a submit form with its FORM_TYPE");
	free(s);
	x = xt_form_add(q, "submit", NULL);
	ok(xmpp_stanza_get_children(x) == NULL, "an empty submit form");
	ok(xt_form_is(x), "xt_form_is: a form");
	ok(!xt_form_is(q), "xt_form_is: not a form");
	xmpp_stanza_release(q);
}

/* A reply cannot make a form hold more than the bound. */
static void
test_bounds(void)
{
	size_t n = 1200, i, len = 0, cap = n * 40 + 200;
	char *xml = malloc(cap);
	xmpp_stanza_t *st;
	struct xt_form *f;

	len += snprintf(xml + len, cap - len, "<x xmlns='jabber:x:data'>");
	for (i = 0; i < n; i++)
		len += snprintf(xml + len, cap - len, "<field var='f%zu'/>", i);
	snprintf(xml + len, cap - len, "</x>");
	st = parse(xml);
	f = xt_form_parse(st);
	ok(f != NULL && f->nfields == 1000, "at most 1000 fields are kept");
	xt_form_free(f);
	xmpp_stanza_release(st);
	free(xml);
}

int
main(void)
{
	xt_init("unit-disco");
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_info();
	test_not_info();
	test_items();
	test_requests();
	test_build();
	test_bounds();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
