// SPDX-License-Identifier: GPL-2.0-only
/// Race-window instrumentation for reproducer kernels: a tunable sleep
/// right after the synchronous read of the skip-swapcache branch of
/// do_swap_page() (mm/memory.c).
///
/// The race fixed by 13ddaf26be32 ("mm/swap: fix race when skipping
/// swapcache", CVE-2024-26759) lies between the data being read from the
/// swap device and the page being mapped: another fault on the same entry
/// can finish its swap-in, free the entry and let it be reused meanwhile.
/// Widening that window makes the loss show in seconds instead of days.
/// The sleep must come after the read: a delay before it only holds both
/// faulting threads back together and hides the race.
///
/// This is NOT part of any backport.  It goes into the kernels the QEMU
/// reproducer boots (tools/repro), the same way before and after the fix
/// series, so that both kernels have the same window and only the fix
/// differs.  Trees: every tree with the skip-swapcache path, 4.15 on
/// (4.19 .. 6.12 checked); the read is matched in all its forms:
///
///   swap_readpage(page, true)              4.15 .. 5.18  (4.19 .. 6.0)
///   swap_readpage(page, true, NULL)        5.19 .. 6.7   (6.1, 6.6)
///   swap_read_folio(folio, true, NULL)     6.8 .. 6.9
///   swap_read_folio(folio, NULL)           6.10 on (6.12)
///
/// Trees without the path (4.14 and older) are left alone.
///
/// What it adds to mm/memory.c:
///  - "ltsport_swapin_delay();" right after that read;
///  - before do_swap_page(), the hook and three knobs, core_param()s, so
///    they are set on the kernel command line (and in
///    /sys/module/kernel/parameters/ at run time):
///      ltsport_delay_every=N    sleep on one synchronous swap-in in N
///      ltsport_delay_us_min=U   shortest sleep, microseconds
///      ltsport_delay_us_max=U   longest sleep, microseconds
///    every=0 or us_max=0 (the defaults) turn it off.  The length steps
///    through [us_min, us_max] by a counter (no random helpers: their API
///    changed between releases); the sleep is usleep_range(), which every
///    era has;
///  - #include <linux/delay.h> and <linux/moduleparam.h> after
///    <linux/mm.h>, unless the file has them.
///
/// Modes:
///  -D patch   instrument; a tree that has the hook already is left alone.
///  -D report  one line per finding on stdout,
///             "<file>:<line>: instrumented: <what>" or
///             "<file>:<line>: missing: <what>", file relative to the tree
///             root; nothing for a tree without the skip-swapcache path.
///
/// Run it on a scratch copy of the tree's mm/memory.c (kernel layout kept),
/// after the fix rules of cocci/fixes/ if they are wanted, and copy the file
/// back:
///
///   spatch --sp-file cocci/instrument/swapin-delay.cocci -D patch \
///          --very-quiet --no-includes --include-headers --in-place \
///          --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: the same call is what cocci/api/swapin_read.cocci -D instrument
//  inserts; this rule also defines the hook, so one run makes a kernel that
//  builds.
// Options: --no-includes --include-headers
// Isomorphisms: every rule disables commeq (E == C also as C == E),
//  bitand_comm (X & Y also as Y & X) and not_int2 (X also as X != 0):
//  kernel code writes these conditions one way in every era, and
//  expanding them was most of spatch's time (on 6.1's files:
//  patch 2.7 s, 1.4 s without).
//  The output is the same without them on every era fixture and on
//  4.19, 5.10, 6.1, 6.6 and 6.12 (before, after each fix, after both).

virtual patch
virtual report

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

reads = {}
hooked = set()
defs = []

// ---------------------------------------------------------------------
// What the tree has
// ---------------------------------------------------------------------

// The synchronous read of the skip-swapcache branch, found by the branch
// condition as in cocci/fixes/ (SWP_SYNCHRONOUS_IO, with or without
// data_race(); __swap_count() with one or two arguments).
@read disable commeq, bitand_comm, not_int2 exists@
symbol true;
identifier SI;
expression ENT, P;
position p;
statement S2;
@@
do_swap_page(...)
{
  ... when any
  if (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
      \(__swap_count(SI, ENT)\|__swap_count(ENT)\) == 1) {
    ... when any
(
    swap_readpage@p(P, true);
|
    swap_readpage@p(P, true, NULL);
|
    swap_read_folio@p(P, true, NULL);
|
    swap_read_folio@p(P, NULL);
)
    ... when any
  } else S2
  ... when any
}

@form disable commeq, bitand_comm, not_int2@
position read.p;
identifier rd;
expression list ES;
@@
rd@p(ES)

@hooked disable commeq, bitand_comm, not_int2 exists@
position read.p, hp;
identifier rd;
expression list ES;
@@
rd@p@hp(ES);
ltsport_swapin_delay();

@defined disable commeq, bitand_comm, not_int2@
identifier hook = ltsport_swapin_delay;
position q;
@@
hook@q(...) { ... }

@has_delay_h disable commeq, bitand_comm, not_int2@
@@
#include <linux/delay.h>

@has_moduleparam_h disable commeq, bitand_comm, not_int2@
@@
#include <linux/moduleparam.h>

// ---------------------------------------------------------------------
// patch
// ---------------------------------------------------------------------

@hook depends on patch && !hooked disable commeq, bitand_comm, not_int2@
position read.p;
identifier rd;
expression list ES;
@@
 rd@p(ES);
+ltsport_swapin_delay();

@include_moduleparam depends on patch && read && !has_moduleparam_h disable commeq, bitand_comm, not_int2@
@@
 #include <linux/mm.h>
+#include <linux/moduleparam.h>

@include_delay depends on patch && read && !has_delay_h disable commeq, bitand_comm, not_int2@
@@
 #include <linux/mm.h>
+#include <linux/delay.h>

@define depends on patch && read && !defined disable commeq, bitand_comm, not_int2@
type T;
declarer name core_param;
@@
+/*
+ * ltsport reproducer instrumentation, never part of a backport: sleep
+ * right after the synchronous read of the skip-swapcache path below, to
+ * widen the window in which a concurrent swap-in of the same entry can
+ * complete and the entry be reused.  One swap-in in ltsport_delay_every
+ * sleeps; the length steps through [ltsport_delay_us_min,
+ * ltsport_delay_us_max] microseconds.  0 (the default) turns it off.
+ */
+static unsigned int ltsport_delay_every;
+static unsigned int ltsport_delay_us_min;
+static unsigned int ltsport_delay_us_max;
+core_param(ltsport_delay_every, ltsport_delay_every, uint, 0644);
+core_param(ltsport_delay_us_min, ltsport_delay_us_min, uint, 0644);
+core_param(ltsport_delay_us_max, ltsport_delay_us_max, uint, 0644);
+static atomic_t ltsport_swapin_count = ATOMIC_INIT(0);
+
+static void ltsport_swapin_delay(void)
+{
+	unsigned int every = READ_ONCE(ltsport_delay_every);
+	unsigned int lo = READ_ONCE(ltsport_delay_us_min);
+	unsigned int hi = READ_ONCE(ltsport_delay_us_max);
+	unsigned int n;
+	unsigned int us;
+
+	if (!every || !hi)
+		return;
+	n = atomic_inc_return(&ltsport_swapin_count);
+	if (n % every)
+		return;
+	if (lo > hi)
+		lo = hi;
+	/* a prime stride walks the whole range, no random numbers needed */
+	us = lo + (n / every) * 997 % (hi - lo + 1);
+	usleep_range(us, us + us / 8 + 1);
+}
+
 T do_swap_page(...) { ... }

// ---------------------------------------------------------------------
// report
// ---------------------------------------------------------------------

@script:python depends on report@
p << read.p;
rd << form.rd;
ES << form.ES;
@@
reads[(relname(p[0].file), int(p[0].line))] = "%s(%s)" % (rd, tidy(ES))

@script:python depends on report@
p << hooked.hp;
@@
hooked.add((relname(p[0].file), int(p[0].line)))

@script:python depends on report@
q << defined.q;
@@
defs.append((relname(q[0].file), int(q[0].line)))

@finalize:python depends on report@
@@
out = []
for (f, line), arg in reads.items():
	if (f, line) in hooked:
		out.append((f, line, "instrumented",
			    "ltsport_swapin_delay() follows the skip-swapcache read of %s" % arg))
	else:
		out.append((f, line, "missing",
			    "no ltsport_swapin_delay() after the skip-swapcache read of %s" % arg))
if reads:
	files = set(f for f, line in reads)
	for f, line in defs:
		out.append((f, line, "instrumented", "ltsport_swapin_delay() is defined"))
	for f in files - set(f for f, line in defs):
		line = min(l for g, l in reads if g == f)
		out.append((f, line, "missing", "ltsport_swapin_delay() is not defined"))
for f, line, kind, what in sorted(set(out)):
	print("%s:%d: %s: %s" % (f, line, kind, what))
