// SPDX-License-Identifier: GPL-2.0-only
/// API bridge: the synchronous read in the skip-swapcache branch of
/// do_swap_page() (mm/memory.c), in the form each era writes it.
///
///   swap_readpage(page, true)              4.15 .. 5.18  (4.19, 5.4, 5.10, 5.15)
///   swap_readpage(page, true, NULL)        5.19 .. 6.7   (6.1, 6.6): plug argument
///   swap_read_folio(folio, true, NULL)     6.8 .. 6.9:   folio conversion
///   swap_read_folio(folio, NULL)           6.10 on (6.12): synchronous flag gone
///
/// The branch is found by its condition (SWP_SYNCHRONOUS_IO and a swap
/// count of 1), as in cocci/fixes/; the read is the swap_readpage() or
/// swap_read_folio() call inside it, whatever its arguments.  Trees without
/// the skip-swapcache path (4.14 and older) have no such read and give
/// nothing.
///
/// Modes:
///  -D report      "<file>:<line>: <call as the tree writes it>", e.g.
///                 "mm/memory.c:3862: swap_read_folio(folio, true, NULL)",
///                 file relative to the tree root.
///  -D instrument  insert "ltsport_swapin_delay();" right after that read
///                 (one hook, every era), for the race-window
///                 instrumentation of cocci/instrument/, which defines the
///                 hook.  A tree that has the hook there already is left
///                 alone.
///  -D uninstrument  take the hook out again.
///  -D lift, -D lift_plug, -D lift_sync  the bridged rung's lift (see
///                 cocci/README.md, "Bridges"): a synchronous read written
///                 swap_readpage(page, true), swap_readpage(page, true, NULL)
///                 or swap_read_folio(folio, true, NULL) becomes 6.10's
///                 swap_read_folio(folio, NULL), anywhere in the file (not
///                 only in the skip branch: an upstream patch may move it).
///  -D lower, -D lower_plug, -D lower_sync  the inverse of each lift: every
///                 swap_read_folio(folio, NULL) back to the tree's form,
///                 upstream's new calls included.
///
///   spatch --sp-file cocci/api/swapin_read.cocci -D report --very-quiet \
///          --no-includes --include-headers --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: no patch mode: a fix rule that needs the read anchors on it
//  through this rule's match, not by converting one era's call into
//  another's (the page/folio change is far wider than the call).  The
//  lift/lower pairs are no conversion either: they carry a patch across
//  and back, and only the lowered result is kept.
// Options: --no-includes --include-headers
// Bridge: lift=lift lower=lower needs=swap_read_folio tree=swap_readpage era=swap_read_folio(folio, NULL) (6.10) from swap_readpage(page, true)
// Bridge: lift=lift_plug lower=lower_plug needs=swap_read_folio tree=swap_readpage era=swap_read_folio(folio, NULL) (6.10) from swap_readpage(page, true, NULL)
// Bridge: lift=lift_sync lower=lower_sync needs=swap_read_folio tree=swap_read_folio era=swap_read_folio(folio, NULL) (6.10) from swap_read_folio(folio, true, NULL)

virtual report
virtual instrument
virtual uninstrument
virtual lift
virtual lower
virtual lift_plug
virtual lower_plug
virtual lift_sync
virtual lower_sync

@initialize:python@
@@
import os
import re

# The tree root is the nearest directory above the file that holds
# mm/memory.c (the layout the C tool stages, see cocci/README.md).
def relname(f):
	d = os.path.dirname(f)
	while True:
		if os.path.isfile(os.path.join(d, "mm", "memory.c")):
			return os.path.relpath(f, d)
		up = os.path.dirname(d)
		if up == d or d == "":
			return f
		d = up

# spatch prints expressions token by token: "f(a , b -> c)".
def tidy(s):
	s = re.sub(r"\s*(->|\.)\s*", r"\1", str(s))
	s = re.sub(r"\s+([,)\]])", r"\1", s)
	return re.sub(r"([(\[])\s+", r"\1", s)

findings = []

@read exists@
identifier SI;
expression ENT;
identifier rd = {swap_readpage, swap_read_folio};
expression list ES;
position p;
statement S2;
@@
do_swap_page(...)
{
  ... when any
  if (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
      \(__swap_count(SI, ENT)\|__swap_count(ENT)\) == 1) {
    ... when any
    rd@p(ES);
    ... when any
  } else S2
  ... when any
}

@script:python depends on report@
rd << read.rd;
es << read.ES;
p << read.p;
@@
findings.append((relname(p[0].file), int(p[0].line), "%s(%s)" % (rd, tidy(es))))

@hooked depends on instrument exists@
identifier read.rd;
expression list read.ES;
position read.p;
@@
rd@p(ES);
ltsport_swapin_delay();

@hook depends on instrument && !hooked@
identifier read.rd;
expression list read.ES;
position read.p;
@@
 rd@p(ES);
+ltsport_swapin_delay();

@unhook depends on uninstrument@
@@
- ltsport_swapin_delay();

// The bridged rung's round trip: a textual carrier for upstream's lines,
// the variable renamed with the call (the lifted file is never built; the
// lower gives the tree's names back).
@rd_lift depends on lift@
symbol page, folio, true, NULL;
@@
- swap_readpage(page, true)
+ swap_read_folio(folio, NULL)

@rd_lower depends on lower@
symbol page, folio, true, NULL;
@@
- swap_read_folio(folio, NULL)
+ swap_readpage(page, true)

@rd_lift_plug depends on lift_plug@
symbol page, folio, true, NULL;
@@
- swap_readpage(page, true, NULL)
+ swap_read_folio(folio, NULL)

@rd_lower_plug depends on lower_plug@
symbol page, folio, true, NULL;
@@
- swap_read_folio(folio, NULL)
+ swap_readpage(page, true, NULL)

@rd_lift_sync depends on lift_sync@
symbol folio, true, NULL;
@@
- swap_read_folio(folio, true, NULL)
+ swap_read_folio(folio, NULL)

@rd_lower_sync depends on lower_sync@
symbol folio, true, NULL;
@@
- swap_read_folio(folio, NULL)
+ swap_read_folio(folio, true, NULL)

@finalize:python depends on report@
@@
for f, line, form in sorted(set(findings)):
	print("%s:%d: %s" % (f, line, form))
