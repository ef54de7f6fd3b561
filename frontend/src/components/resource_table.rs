//! The controls every resource list shares: a text filter with its match
//! count, sortable column headers, pagination with a page size, and the "No
//! matches" state. A page builds one [`ListRow`] per item (its key, the
//! texts the filter looks at, one sort key per sortable column) and renders
//! the keys of the [`Listing`] that [`ListControls::list`] makes of them.

use leptos::prelude::*;

use super::list::EmptyState;

/// Page sizes offered; `None` shows every item on one page.
const PAGE_SIZES: [Option<usize>; 5] = [Some(10), Some(20), Some(50), Some(100), None];
/// The page size option that shows every item.
const ALL: &str = "all";

/// One item as the controls see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// What identifies the item (and breaks ties in sorting).
    pub key: String,
    /// The texts the filter looks in (any may match).
    pub search: Vec<String>,
    /// One key per sortable column, in column order; times as RFC 3339 in
    /// UTC (so they sort as text), absent values as "".
    pub sort: Vec<String>,
}

/// What a list shows: the keys of the page and the counts around them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Listing {
    /// Keys of the items on the page, in order.
    pub keys: Vec<String>,
    /// Items that pass the filter.
    pub matches: usize,
    /// Items in all.
    pub total: usize,
    /// The page shown (from 0).
    pub page: usize,
    /// Pages in all (at least 1).
    pub pages: usize,
}

/// The state of one list's controls (a `Copy` handle).
#[derive(Debug, Clone, Copy)]
pub struct ListControls {
    /// The filter text as typed.
    pub filter: RwSignal<String>,
    /// Sort column (index into [`ListRow::sort`]) and whether ascending.
    pub sort: RwSignal<(usize, bool)>,
    /// The page asked for (clamped to the last).
    pub page: RwSignal<usize>,
    /// Items a page; `None` for all.
    pub page_size: RwSignal<Option<usize>>,
}

impl ListControls {
    /// Controls sorted by `column`, ascending or not, ten items a page.
    pub fn new(column: usize, ascending: bool) -> Self {
        Self {
            filter: RwSignal::new(String::new()),
            sort: RwSignal::new((column, ascending)),
            page: RwSignal::new(0),
            page_size: RwSignal::new(PAGE_SIZES[0]),
        }
    }

    /// The same controls showing every item on one page until a page size
    /// is chosen: for lists the service already pages (events).
    #[must_use]
    pub fn showing_all(self) -> Self {
        self.page_size.set(None);
        self
    }

    /// Filters, sorts and pages `rows` as the controls say (tracked).
    pub fn list(&self, rows: Vec<ListRow>) -> Listing {
        let query = self.filter.with(|q| q.trim().to_ascii_lowercase());
        arrange(
            rows,
            &query,
            self.sort.get(),
            self.page_size.get(),
            self.page.get(),
        )
    }

    /// Whether a filter is typed (tracked).
    pub fn filtering(&self) -> bool {
        self.filter.with(|q| !q.trim().is_empty())
    }
}

/// True when the (lower-case) query occurs in one of the row's texts.
fn matches(row: &ListRow, query: &str) -> bool {
    query.is_empty()
        || row
            .search
            .iter()
            .any(|text| text.to_ascii_lowercase().contains(query))
}

/// The rows matching `query`, sorted by `(column, ascending)` (ties by key),
/// cut to page `page` of `size` rows.
fn arrange(
    rows: Vec<ListRow>,
    query: &str,
    (column, ascending): (usize, bool),
    size: Option<usize>,
    page: usize,
) -> Listing {
    let total = rows.len();
    let mut rows: Vec<ListRow> = rows.into_iter().filter(|r| matches(r, query)).collect();
    rows.sort_by(|a, b| {
        let order = a
            .sort
            .get(column)
            .cmp(&b.sort.get(column))
            .then_with(|| a.key.cmp(&b.key));
        if ascending { order } else { order.reverse() }
    });
    let matches = rows.len();
    let size = size.unwrap_or(matches).max(1);
    let pages = matches.div_ceil(size).max(1);
    let page = page.min(pages - 1);
    let keys = rows
        .into_iter()
        .skip(page * size)
        .take(size)
        .map(|r| r.key)
        .collect();
    Listing {
        keys,
        matches,
        total,
        page,
        pages,
    }
}

/// The filter box (named `label`), its match count and the pagination.
#[component]
pub fn ListToolbar(
    /// The list's controls.
    controls: ListControls,
    /// The listing the controls make.
    listing: Memo<Listing>,
    /// Accessible name and placeholder of the filter, e.g. "Find servers".
    label: &'static str,
    /// More filters before the text filter (e.g. a state menu).
    #[prop(default = None)]
    filters: Option<Children>,
) -> impl IntoView {
    let filter = controls.filter;
    view! {
        <div class="toolbar">
            {filters.map(|filters| filters())}
            <input
                type="search"
                class="filter"
                aria-label=label
                placeholder=label
                prop:value=move || filter.get()
                on:input=move |ev| {
                    filter.set(event_target_value(&ev));
                    controls.page.set(0);
                }
            />
            <span class="muted match-count" aria-live="polite">
                {move || {
                    controls
                        .filtering()
                        .then(|| {
                            let n = listing.with(|l| l.matches);
                            if n == 1 { "1 match".to_owned() } else { format!("{n} matches") }
                        })
                }}
            </span>
            <Pagination controls=controls listing=listing label=label />
        </div>
    }
}

/// A list's toolbar and table: the filters, the table with a sortable head
/// and the page's rows (the children, a `<For>` over the listing's keys),
/// and "No matches" when the filters leave nothing. An empty list shows
/// only the toolbar: its empty state is the page's to say.
#[component]
pub fn ResourceTable(
    /// The list's controls.
    controls: ListControls,
    /// The listing the controls make.
    listing: Memo<Listing>,
    /// Accessible name and placeholder of the filter, e.g. "Find servers".
    label: &'static str,
    /// Id of the heading that names the table.
    labelledby: &'static str,
    /// The columns, in order.
    columns: &'static [Column],
    /// One sentence when the filters match nothing, e.g. "No server matches
    /// the filter."
    no_matches: &'static str,
    /// Rows start with a selection radio.
    #[prop(optional)]
    selectable: bool,
    /// Screen readers announce changes in the table (rows whose status
    /// changes without a status cell of their own announcing it).
    #[prop(optional)]
    live: bool,
    /// Clears the page's other filters too.
    #[prop(optional)]
    also_clear: Option<Callback<()>>,
    /// More filters before the text filter (e.g. a state menu).
    #[prop(optional)]
    filters: Option<Children>,
    /// Items before the page's other filters, when it filters before the
    /// controls do (the listing's total otherwise).
    #[prop(optional, into)]
    total: Option<Signal<usize>>,
    /// The rows of the page.
    children: ChildrenFn,
) -> impl IntoView {
    let no_matches_view = move || {
        let total = total.map_or_else(|| listing.with(|l| l.total), |t| t.get());
        (total > 0 && listing.with(|l| l.matches == 0)).then(|| {
            view! { <NoMatches controls=controls detail=no_matches also_clear=also_clear /> }
        })
    };
    view! {
        <ListToolbar controls=controls listing=listing label=label filters=filters />
        {no_matches_view}
        <Show when=move || listing.with(|l| l.matches > 0)>
            <div class="table-scroll">
                <table class="table" aria-labelledby=labelledby aria-live=live.then_some("polite")>
                    <ListHead columns=columns controls=controls selectable=selectable />
                    <tbody>{children()}</tbody>
                </table>
            </div>
        </Show>
    }
}

/// Previous / next page and the page size, named after the list ("Find
/// HSMs" gives "Pagination of HSMs": a page can hold several lists).
#[component]
fn Pagination(
    controls: ListControls,
    listing: Memo<Listing>,
    label: &'static str,
) -> impl IntoView {
    let name = format!("Pagination of {}", label.trim_start_matches("Find "));
    let ListControls {
        page, page_size, ..
    } = controls;
    view! {
        <nav class="pagination" aria-label=name>
            <button
                type="button"
                class="btn-icon"
                aria-label="Previous page"
                disabled=move || listing.with(|l| l.page == 0)
                on:click=move |_| page.set(listing.with_untracked(|l| l.page.saturating_sub(1)))
            >
                "‹"
            </button>
            <span>{move || listing.with(|l| format!("Page {} of {}", l.page + 1, l.pages))}</span>
            <button
                type="button"
                class="btn-icon"
                aria-label="Next page"
                disabled=move || listing.with(|l| l.page + 1 >= l.pages)
                on:click=move |_| page.set(listing.with_untracked(|l| l.page + 1))
            >
                "›"
            </button>
            <label>
                "Page size"
                <select on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let size = if value == ALL { Some(None) } else { value.parse().ok().map(Some) };
                    if let Some(size) = size {
                        page_size.set(size);
                        page.set(0);
                    }
                }>
                    {PAGE_SIZES
                        .into_iter()
                        .map(|size| {
                            let (value, label) = match size {
                                Some(n) => (n.to_string(), n.to_string()),
                                None => (ALL.to_owned(), "All".to_owned()),
                            };
                            view! {
                                <option value=value selected=move || page_size.get() == size>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        </nav>
    }
}

/// A column header that sorts by `column` on click and says how
/// (`aria-sort`).
#[component]
pub fn SortHeader(
    /// The column title.
    label: &'static str,
    /// Index of the column's key in [`ListRow::sort`].
    column: usize,
    /// The list's controls.
    controls: ListControls,
) -> impl IntoView {
    let sort = controls.sort;
    let state = move || {
        let (current, ascending) = sort.get();
        match (current == column, ascending) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    };
    view! {
        <th scope="col" aria-sort=state>
            <button
                type="button"
                class="sort"
                on:click=move |_| {
                    sort.update(|(current, ascending)| {
                        if *current == column {
                            *ascending = !*ascending;
                        } else {
                            *current = column;
                            *ascending = true;
                        }
                    })
                }
            >
                {label}
                <span class="sort-arrow" aria-hidden="true">
                    {move || match state() {
                        "ascending" => "▲",
                        "descending" => "▼",
                        _ => "↕",
                    }}
                </span>
            </button>
        </th>
    }
}

/// A column of a list's table: its title and, for a sortable one, the index
/// of its key in [`ListRow::sort`]. An empty title is a column without a
/// visible header (its screen-reader name is "Actions").
pub type Column = (&'static str, Option<usize>);

/// Declares a list's columns: a `&[Column]` constant and, for each sortable
/// column (`"Title" => KEY`), a `usize` constant `KEY` holding the index of
/// its key in [`ListRow::sort`], numbered in the order the sortable columns
/// stand. A column without `=> KEY` does not sort.
///
/// ```ignore
/// list_columns! {
///     /// The columns of the clusters list.
///     COLUMNS = ["Cluster ID" => BY_ID, "Mode", "Created" => BY_CREATED]
/// }
/// ```
macro_rules! list_columns {
    ($(#[$doc:meta])* $vis:vis $name:ident = [$($title:literal $(=> $key:ident)?),* $(,)?]) => {
        $(#[$doc])*
        $vis const $name: &[$crate::components::resource_table::Column] =
            &[$(($title, $crate::components::resource_table::list_columns!(@sort $($key)?))),*];
        $crate::components::resource_table::list_columns!(@keys ($vis) 0; $($($key)?)*);
    };
    (@sort) => { None };
    (@sort $key:ident) => { Some($key) };
    (@keys ($vis:vis) $index:expr;) => {};
    (@keys ($vis:vis) $index:expr; $key:ident $($rest:ident)*) => {
        $vis const $key: usize = $index;
        $crate::components::resource_table::list_columns!(@keys ($vis) $index + 1; $($rest)*);
    };
}
pub(crate) use list_columns;

/// `<thead>` of a list: a [`SortHeader`] for each sortable column, a plain
/// header for the others.
#[component]
pub fn ListHead(
    /// The columns, in order.
    columns: &'static [Column],
    /// The list's controls.
    controls: ListControls,
    /// Rows start with a selection radio (a column without a visible header).
    #[prop(optional)]
    selectable: bool,
) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {selectable
                    .then(|| {
                        view! {
                            <th scope="col" class="select-col">
                                <span class="visually-hidden">"Selected"</span>
                            </th>
                        }
                    })}
                {columns
                    .iter()
                    .map(|&(label, sort)| match sort {
                        Some(column) => {
                            view! { <SortHeader label=label column=column controls=controls /> }
                                .into_any()
                        }
                        None if label.is_empty() => {
                            view! {
                                <th scope="col">
                                    <span class="visually-hidden">"Actions"</span>
                                </th>
                            }
                                .into_any()
                        }
                        None => view! { <th scope="col">{label}</th> }.into_any(),
                    })
                    .collect_view()}
            </tr>
        </thead>
    }
}

/// The state of a list whose filters match nothing, with a way back.
#[component]
pub fn NoMatches(
    /// The list's controls.
    controls: ListControls,
    /// One sentence, e.g. "No server matches the filter."
    detail: &'static str,
    /// Clears the page's other filters too (the button then says "Clear
    /// filters").
    #[prop(default = None)]
    also_clear: Option<Callback<()>>,
) -> impl IntoView {
    let label = if also_clear.is_some() {
        "Clear filters"
    } else {
        "Clear filter"
    };
    let clear = move |_| {
        controls.filter.set(String::new());
        controls.page.set(0);
        if let Some(also) = also_clear {
            also.run(());
        }
    };
    view! {
        <EmptyState title="No matches" detail=detail>
            <button type="button" class="btn" on:click=clear>
                {label}
            </button>
        </EmptyState>
    }
}

/// The items on the listing's page, in its order: for lists kept as a
/// `Vec`, whose rows are found again by `has_key(item, key)`.
pub fn page_of<T: Clone>(
    listing: &Listing,
    items: &[T],
    has_key: impl Fn(&T, &str) -> bool,
) -> Vec<T> {
    listing
        .keys
        .iter()
        .filter_map(|k| items.iter().find(|item| has_key(item, k)).cloned())
        .collect()
}

/// The sort key of the item at `index` of a newest-first list of `len`:
/// its place in time, exact even among items of the same instant.
pub fn position_key(index: usize, len: usize) -> String {
    format!("{:09}", len - index)
}

/// A time as a sort key: RFC 3339 in UTC, "" when absent.
pub fn time_key(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, text: &str, sort: &str) -> ListRow {
        ListRow {
            key: key.to_owned(),
            search: vec![key.to_owned(), text.to_owned()],
            sort: vec![key.to_owned(), sort.to_owned()],
        }
    }

    fn keys(listing: &Listing) -> Vec<&str> {
        listing.keys.iter().map(String::as_str).collect()
    }

    #[test]
    fn pages_of_ten_and_all() {
        let rows: Vec<ListRow> = (0..23).map(|i| row(&format!("s{i:02}"), "", "")).collect();
        let first = arrange(rows.clone(), "", (0, true), Some(10), 0);
        assert_eq!((first.keys.len(), first.page, first.pages), (10, 0, 3));
        assert_eq!(first.keys[0], "s00");
        let last = arrange(rows.clone(), "", (0, true), Some(10), 2);
        assert_eq!(keys(&last), ["s20", "s21", "s22"]);
        let beyond = arrange(rows.clone(), "", (0, true), Some(10), 9);
        assert_eq!(beyond.page, 2, "a page past the end shows the last");
        let all = arrange(rows, "", (0, true), None, 0);
        assert_eq!((all.keys.len(), all.pages), (23, 1));
        let none = arrange(Vec::new(), "", (0, true), Some(10), 0);
        assert_eq!((none.keys.len(), none.pages, none.total), (0, 1, 0));
    }

    #[test]
    fn the_filter_looks_in_every_search_text_in_any_case() {
        let rows = vec![row("web", "ChefAutomate", "b"), row("db", "Puppet", "a")];
        let found = arrange(rows.clone(), "chef", (0, true), None, 0);
        assert_eq!(
            (keys(&found), found.matches, found.total),
            (vec!["web"], 1, 2)
        );
        assert_eq!(arrange(rows, "nothing", (0, true), None, 0).matches, 0);
    }

    #[test]
    fn sorting_by_a_column_breaks_ties_by_key_and_reverses() {
        let rows = vec![row("c", "", "2"), row("a", "", "2"), row("b", "", "1")];
        assert_eq!(
            keys(&arrange(rows.clone(), "", (1, true), None, 0)),
            ["b", "a", "c"]
        );
        assert_eq!(
            keys(&arrange(rows, "", (1, false), None, 0)),
            ["c", "a", "b"]
        );
    }

    #[test]
    fn times_sort_as_text() {
        use chrono::TimeZone;
        let early = chrono::Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let late = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 3, 4, 5).unwrap();
        assert!(time_key(Some(early)) < time_key(Some(late)));
        assert!(time_key(None) < time_key(Some(early)));
    }
}
