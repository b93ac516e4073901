//! Small values the cases share.

pub fn usd() -> pricing::Currency {
    pricing::Currency::from_code("USD").expect("USD")
}

pub fn shop(domain: &str) -> shopify::ShopDomain {
    shopify::ShopDomain::parse(domain).expect("a valid shop domain")
}
