// SPDX-License-Identifier: GPL-2.0-only
/// API bridge: the arguments of __swap_count().
///
///   __swap_count(si, entry)   4.15 .. 5.0   (4.19): the caller passes the
///                             swap_info_struct it already looked up
///   __swap_count(entry)       5.1 on        (5.4, 5.10, 5.15, 6.1 .. 6.12):
///                             the function finds the device itself
///                             (eb085574a752, which made swapoff-safe
///                             lookups; in 5.1-rc1 by our reading, check)
///
/// Call sites only: the definition in mm/swapfile.c and the prototypes in
/// include/linux/swap.h keep the tree's own form (a bridge adapts code to
/// the tree, it does not change the tree's API).
///
/// Modes:
///  -D report  "<file>:<line>: <call as the tree writes it>", e.g.
///             "mm/memory.c:2951: __swap_count(si, entry)", file relative
///             to the tree root.
///  -D to_new  __swap_count(SI, E) becomes __swap_count(E).
///  -D to_old  __swap_count(E) becomes __swap_count(SI, E), where SI is the
///             swap_info_struct whose flags the same && condition tests (the
///             skip-swapcache branch of do_swap_page()); elsewhere
///             __swap_count(swp_swap_info(E), E), which is right but not
///             what 4.19 writes (its mm/page_io.c passes a local `sis').
///             So to_new then to_old, and the reverse, gives back the same
///             bytes for do_swap_page()'s call, not for page_io.c's.
///
///   spatch --sp-file cocci/api/swap_count_arity.cocci -D to_old --very-quiet \
///          --no-includes --include-headers --in-place --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: the fix rules do not need this bridge (they match both forms);
//  it is for code written against one form that has to go into the other.
// Options: --no-includes --include-headers
// Bridge: lift=to_new lower=to_old needs=__swap_count tree=__swap_count era=__swap_count(entry) (5.1) from __swap_count(si, entry)

virtual report
virtual to_new
virtual to_old

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

@call depends on report@
expression list ES;
position p;
@@
__swap_count@p(ES)

@script:python depends on report@
es << call.ES;
p << call.p;
@@
findings.append((relname(p[0].file), int(p[0].line), "__swap_count(%s)" % tidy(es)))

@new depends on to_new@
expression SI, E;
@@
- __swap_count(SI, E)
+ __swap_count(E)

@old_tested depends on to_old@
identifier SI;
expression F, E, C;
@@
(
  SI->flags & F &&
- __swap_count(E)
+ __swap_count(SI, E)
  == C
|
  data_race(SI->flags & F) &&
- __swap_count(E)
+ __swap_count(SI, E)
  == C
)

@old_any depends on to_old@
expression E;
@@
- __swap_count(E)
+ __swap_count(swp_swap_info(E), E)

@finalize:python depends on report@
@@
for f, line, form in sorted(set(findings)):
	print("%s:%d: %s" % (f, line, form))
