// SPDX-License-Identifier: GPL-2.0-only
/// API bridge (lift/lower only): the page helpers of the swap-in paths and
/// the folio helpers that replaced them (6.0 .. 6.10 by our reading), on
/// the conventional names: a call on `page' and the same call on `folio'.
///
///   unlock_page(page)            folio_unlock(folio)
///   lock_page(page)              folio_lock(folio)
///   put_page(page)               folio_put(folio)
///   get_page(page)               folio_get(folio)
///   __SetPageLocked(page)        __folio_set_locked(folio)
///   __SetPageSwapBacked(page)    __folio_set_swapbacked(folio)
///   PageUptodate(page)           folio_test_uptodate(folio)
///   PageSwapCache(page)          folio_test_swapcache(folio)
///   wait_on_page_writeback(page) folio_wait_writeback(folio)
///
/// Modes:
///  -D lift   every page call of the table becomes its folio call;
///  -D lower  every folio call of the table becomes its page call.
///
/// For the bridged rung only (cocci/README.md, "Bridges"): lift a page-era
/// file, apply a folio-era upstream patch to it, lower the result.  The
/// lifted file is a carrier, never built: the variable is renamed with the
/// call.  Not tried on files that declare a folio pointer (unless=*folio:
/// 6.0 and later, where upstream's folio code is the tree's too and must
/// not be lowered).  Where the tree has folio calls without that (a
/// global, a macro), lower also turns them into page calls; the rung keeps
/// only upstream's lines (three-way against the round trip of the
/// untouched file), so those come back as the tree wrote them.
///
///   spatch --sp-file cocci/api/page_folio_calls.cocci -D lift --very-quiet \
///          --no-includes --include-headers --in-place --timeout 120 --dir TREE
//
// Confidence: Moderate
// Copyright: the ltsport authors.
// Comments: no report and no patch mode: a folio is not a page, and
//  converting a tree is not a rename.
// Options: --no-includes --include-headers
// Bridge: lift=lift lower=lower needs=folio unless=*folio era=the folio helpers (6.0 on) from the page helpers

virtual lift
virtual lower

@to_folio depends on lift@
symbol page, folio;
@@
(
- unlock_page(page)
+ folio_unlock(folio)
|
- lock_page(page)
+ folio_lock(folio)
|
- put_page(page)
+ folio_put(folio)
|
- get_page(page)
+ folio_get(folio)
|
- __SetPageLocked(page)
+ __folio_set_locked(folio)
|
- __SetPageSwapBacked(page)
+ __folio_set_swapbacked(folio)
|
- PageUptodate(page)
+ folio_test_uptodate(folio)
|
- PageSwapCache(page)
+ folio_test_swapcache(folio)
|
- wait_on_page_writeback(page)
+ folio_wait_writeback(folio)
)

@to_page depends on lower@
symbol page, folio;
@@
(
- folio_unlock(folio)
+ unlock_page(page)
|
- folio_lock(folio)
+ lock_page(page)
|
- folio_put(folio)
+ put_page(page)
|
- folio_get(folio)
+ get_page(page)
|
- __folio_set_locked(folio)
+ __SetPageLocked(page)
|
- __folio_set_swapbacked(folio)
+ __SetPageSwapBacked(page)
|
- folio_test_uptodate(folio)
+ PageUptodate(page)
|
- folio_test_swapcache(folio)
+ PageSwapCache(page)
|
- folio_wait_writeback(folio)
+ wait_on_page_writeback(page)
)
