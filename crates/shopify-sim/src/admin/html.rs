//! The admin's HTML: one layout (top bar, sidebar, content) around the app frame, the admin home,
//! the draft order page and error pages. Every interpolated value goes through [`escape`].

use std::fmt::Write as _;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside `<script type="application/json">`: no `<` can end the element.
pub fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The admin's own sidebar entries; only Home leads somewhere in the simulator.
const ADMIN_ITEMS: [&str; 8] = [
    "Orders",
    "Products",
    "Customers",
    "Content",
    "Analytics",
    "Marketing",
    "Discounts",
    "Online Store",
];

/// Which sidebar entry is the current page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Current {
    Home,
    Orders,
    App,
}

pub struct Chrome<'a> {
    pub shop_domain: &'a str,
    pub shop_name: &'a str,
    pub app_name: &'a str,
    /// `/store/{shop}/admin`
    pub admin_base: &'a str,
    /// `/store/{shop}/admin/apps/{api_key}`
    pub app_base: &'a str,
    pub current: Current,
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .take(2)
        .collect()
}

impl Chrome<'_> {
    fn top_bar(&self) -> String {
        format!(
            "<header class=\"sa-topbar\">\
               <a class=\"sa-logo\" href=\"{admin}\" data-sa-leave>\
                 <span class=\"sa-logo-mark\" aria-hidden=\"true\">S</span><span>shopify</span>\
                 <span class=\"sa-sim-tag\">simulator</span></a>\
               <div class=\"sa-search\" aria-hidden=\"true\"><span class=\"sa-search-icon\"></span>Search</div>\
               <div class=\"sa-shop\" title=\"{domain}\"><span class=\"sa-avatar\" aria-hidden=\"true\">{initials}</span>\
                 <span>{name}</span></div>\
             </header>",
            admin = escape(self.admin_base),
            initials = escape(&initials(self.shop_name)),
            name = escape(self.shop_name),
            domain = escape(self.shop_domain),
        )
    }

    fn sidebar(&self) -> String {
        let mut items = String::new();
        let home_current = if self.current == Current::Home {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            items,
            "<li><a class=\"sa-nav-item\" href=\"{}\" data-sa-leave{home_current}>Home</a></li>",
            escape(self.admin_base)
        );
        for item in ADMIN_ITEMS {
            let current = if item == "Orders" && self.current == Current::Orders {
                " sa-nav-item-current"
            } else {
                ""
            };
            let _ = write!(
                items,
                "<li><span class=\"sa-nav-item sa-nav-inert{current}\">{item}</span></li>"
            );
        }
        let app_current = if self.current == Current::App {
            " sa-app-current"
        } else {
            ""
        };
        format!(
            "<nav class=\"sa-sidebar\" aria-label=\"Shopify admin\">\
               <ul class=\"sa-nav\">{items}</ul>\
               <h2 class=\"sa-nav-heading\">Apps</h2>\
               <ul class=\"sa-nav\">\
                 <li class=\"sa-app{app_current}\">\
                   <a class=\"sa-nav-item sa-app-link\" id=\"sa-app-home\" href=\"{app_base}\" data-sa-leave>\
                     <span class=\"sa-app-icon\" aria-hidden=\"true\">{app_initial}</span>{app}</a>\
                   <ul class=\"sa-subnav\" id=\"sa-app-nav\" aria-label=\"{app}\"></ul>\
                 </li>\
               </ul>\
             </nav>",
            app_base = escape(self.app_base),
            app = escape(self.app_name),
            app_initial = escape(&initials(self.app_name)),
        )
    }

    /// A whole admin page: `main` is the content area, `head` extra tags.
    pub fn page(&self, title: &str, head: &str, main: &str, body_end: &str) -> String {
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · {shop} · Shopify</title>\
             <link rel=\"stylesheet\" href=\"/_sim/assets/admin.css\">{head}</head>\
             <body><div class=\"sa-shell\">{top}{side}<main class=\"sa-main\" id=\"sa-main\">{main}</main></div>{body_end}</body></html>",
            title = escape(title),
            shop = escape(self.shop_name),
            top = self.top_bar(),
            side = self.sidebar(),
        )
    }
}

/// What the frame draws over the app: save bar, modal backdrop, toasts, confirmation, picker.
const FRAME_OVERLAYS: &str = "<div class=\"sa-savebar\" id=\"sa-savebar\" role=\"region\" aria-label=\"Unsaved changes\" hidden>\
           <div class=\"sa-savebar-inner\"><span class=\"sa-savebar-message\">\
             <span class=\"sa-savebar-icon\" aria-hidden=\"true\">!</span>Unsaved changes</span>\
           <div class=\"sa-savebar-actions\">\
             <button type=\"button\" class=\"sa-btn sa-btn-dark\" id=\"sa-savebar-discard\">Discard</button>\
             <button type=\"button\" class=\"sa-btn sa-btn-light\" id=\"sa-savebar-save\">Save</button>\
           </div></div></div>\
         <div class=\"sa-dim\" id=\"sa-dim\" hidden></div>\
         <div class=\"sa-toasts\" id=\"sa-toasts\" role=\"status\" aria-live=\"polite\"></div>\
         <dialog class=\"sa-dialog sa-confirm\" id=\"sa-confirm\" aria-labelledby=\"sa-confirm-heading\">\
           <form method=\"dialog\">\
             <div class=\"sa-dialog-header\"><h2 id=\"sa-confirm-heading\">Leave page with unsaved changes?</h2></div>\
             <div class=\"sa-dialog-body\"><p id=\"sa-confirm-text\">Leaving this page will delete all unsaved changes.</p></div>\
             <div class=\"sa-dialog-footer\">\
               <button class=\"sa-btn sa-btn-secondary\" value=\"cancel\" id=\"sa-confirm-cancel\">Stay</button>\
               <button class=\"sa-btn sa-btn-critical\" value=\"confirm\" id=\"sa-confirm-ok\">Leave page</button>\
             </div>\
           </form>\
         </dialog>\
         <dialog class=\"sa-dialog sa-picker\" id=\"sa-picker\" aria-labelledby=\"sa-picker-heading\">\
           <form method=\"dialog\" id=\"sa-picker-form\">\
             <div class=\"sa-dialog-header\"><h2 id=\"sa-picker-heading\">Add products</h2>\
               <button type=\"button\" class=\"sa-icon-btn\" id=\"sa-picker-close\" aria-label=\"Close\">\u{2715}</button></div>\
             <div class=\"sa-picker-search\"><label class=\"sa-visually-hidden\" for=\"sa-picker-query\">Search products</label>\
               <input type=\"search\" id=\"sa-picker-query\" placeholder=\"Search products\" autocomplete=\"off\"></div>\
             <div class=\"sa-picker-list\" id=\"sa-picker-list\" role=\"group\" aria-labelledby=\"sa-picker-heading\"></div>\
             <div class=\"sa-dialog-footer\"><span class=\"sa-picker-count\" id=\"sa-picker-count\" aria-live=\"polite\"></span>\
               <button type=\"button\" class=\"sa-btn sa-btn-secondary\" id=\"sa-picker-cancel\">Cancel</button>\
               <button type=\"submit\" class=\"sa-btn sa-btn-primary\" id=\"sa-picker-select\" data-action=\"select\">Add</button>\
             </div>\
           </form>\
         </dialog>";

/// The app frame: the chrome App Bridge talks to, with the app in an iframe.
pub fn app_frame(chrome: &Chrome<'_>, iframe_src: &str, config: &serde_json::Value) -> String {
    let main = format!(
        "<div class=\"sa-loading\" id=\"sa-loading\" role=\"progressbar\" aria-label=\"Loading\" hidden><span></span></div>\
         <div class=\"sa-titlebar\" id=\"sa-titlebar\">\
           <span class=\"sa-app-icon sa-app-icon-large\" aria-hidden=\"true\">{initial}</span>\
           <div class=\"sa-breadcrumb\" id=\"sa-breadcrumb\"></div>\
           <h1 class=\"sa-title\" id=\"sa-title\">{app}</h1>\
           <div class=\"sa-title-actions\" id=\"sa-title-actions\"></div>\
         </div>\
         <div class=\"sa-frame-wrap\"><iframe id=\"sa-app-frame\" class=\"sa-app-frame\" title=\"{app}\" \
           src=\"{src}\" allow=\"clipboard-read; clipboard-write\"></iframe></div>",
        initial = escape(&initials(chrome.app_name)),
        app = escape(chrome.app_name),
        src = escape(iframe_src),
    );
    let head = format!(
        "<script type=\"application/json\" id=\"sa-config\">{}</script>\
         <script src=\"/_sim/assets/admin.js\" defer></script>",
        script_json(config)
    );
    chrome.page(chrome.app_name, &head, &main, FRAME_OVERLAYS)
}

/// A page with a heading and content in the admin's content area.
pub fn admin_page(chrome: &Chrome<'_>, title: &str, heading: &str, content: &str) -> String {
    let main = format!(
        "<div class=\"sa-page\"><div class=\"sa-page-header\">{heading}</div>{content}</div>"
    );
    let head = "<script src=\"/_sim/assets/admin.js\" defer></script>";
    chrome.page(title, head, &main, "")
}

/// An error page without the admin chrome (unknown shop, bad parameters).
pub fn error_page(status: u16, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{status} · Shopify</title><link rel=\"stylesheet\" href=\"/_sim/assets/admin.css\"></head>\
         <body class=\"sa-error-body\"><main class=\"sa-error\"><h1>{title}</h1><p>{message}</p></main></body></html>",
        title = if status == 404 {
            "There's no page at this address"
        } else {
            "This request can't be handled"
        },
        message = escape(message),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let value = serde_json::json!({ "name": "</script><script>alert(1)</script>" });
        let text = script_json(&value);
        assert!(!text.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
