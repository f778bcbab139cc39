// SPDX-License-Identifier: GPL-2.0-only
/// API bridge (report only): how the error exits of do_swap_page()
/// (mm/memory.c) let go of the page they swapped in, and of the swapcache
/// page when that is a different one.
///
///   out_page:     unlock_page(page)      4.15 .. 5.19  (4.19 .. 5.15)
///                 folio_unlock(folio)    6.0 on        (6.1, 6.6, 6.8, 6.12)
///   out_release:  put_page(page)         4.15 .. 5.19
///                 folio_put(folio)       6.0 on
///   and after it  unlock_page(swapcache), put_page(swapcache)  /
///                 folio_unlock(swapcache), folio_put(swapcache)
///
/// (do_swap_page() went over to folios in the 6.0 merge window, by our
/// reading of the history; 6.1 is the first LTS with it, which is what
/// matters here.  4.14 has the page form, without a skip path.)
///
/// The fix rules add their code after these calls (the tail of
/// `out_release') and so match either form; code that takes a reference
/// or a lock of its own on the swapped-in page must use the tree's form.
///
/// Modes:
///  -D report  "<file>:<line>: <label>: <call as the tree writes it>", the
///             label being out_page, out_release, or swapcache for the
///             release of the swapcache page in out_release's tail, e.g.
///             "mm/memory.c:106: out_page: unlock_page(page)", file
///             relative to the tree root.
///
///   spatch --sp-file cocci/api/page_folio_exits.cocci -D report --very-quiet \
///          --no-includes --include-headers --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: no patch mode: converting pages to folios is not a call-site
//  rename (a folio is not a page, and the locals change with it).
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@
import os
import re

def relname(f):
	d = os.path.dirname(f)
	while True:
		if os.path.isfile(os.path.join(d, "mm", "memory.c")):
			return os.path.relpath(f, d)
		up = os.path.dirname(d)
		if up == d or d == "":
			return f
		d = up

def tidy(s):
	s = re.sub(r"\s*(->|\.)\s*", r"\1", str(s))
	s = re.sub(r"\s+([,)\]])", r"\1", s)
	return re.sub(r"([(\[])\s+", r"\1", s)

findings = []

def note(p, label, fn, e):
	findings.append((relname(p[0].file), int(p[0].line), label,
			 "%s(%s)" % (fn, tidy(e))))

@exits depends on report exists@
identifier l = {out_page, out_release};
identifier fn = {unlock_page, put_page, folio_unlock, folio_put};
expression E;
position p;
@@
do_swap_page(...)
{
  ... when any
l:
  fn@p(E);
  ... when any
}

@script:python@
l << exits.l;
fn << exits.fn;
e << exits.E;
p << exits.p;
@@
note(p, str(l), fn, e)

@tail depends on report exists@
identifier l = out_release;
identifier fn = {put_page, folio_put};
identifier un = {unlock_page, folio_unlock};
identifier put = {put_page, folio_put};
expression E, C;
symbol swapcache;
position p1, p2;
@@
do_swap_page(...)
{
  ... when any
l:
  fn(E);
  if (C) {
    un@p1(swapcache);
    put@p2(swapcache);
  }
  ... when any
}

@script:python@
un << tail.un;
put << tail.put;
p1 << tail.p1;
p2 << tail.p2;
@@
note(p1, "swapcache", un, "swapcache")
note(p2, "swapcache", put, "swapcache")

@finalize:python depends on report@
@@
for f, line, label, form in sorted(set(findings)):
	print("%s:%d: %s: %s" % (f, line, label, form))
