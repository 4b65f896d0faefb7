//! Pagination: 1-based pages, bounded page size.

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    page_size: u32,
}

impl PageRequest {
    pub const DEFAULT_SIZE: u32 = 20;
    pub const MAX_SIZE: u32 = 100;

    pub fn new(
        page: Option<i64>,
        page_size: Option<i64>,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let page = page.unwrap_or(1);
        if !(1..=1_000_000).contains(&page) {
            errors.push(("page", "must be between 1 and 1000000".to_owned()));
        }
        let size = page_size.unwrap_or(Self::DEFAULT_SIZE.into());
        if !(1..=i64::from(Self::MAX_SIZE)).contains(&size) {
            errors.push((
                "page_size",
                format!("must be between 1 and {}", Self::MAX_SIZE),
            ));
        }
        if errors.is_empty() {
            Ok(PageRequest {
                page: page as u32,
                page_size: size as u32,
            })
        } else {
            Err(errors)
        }
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.page_size)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.page_size)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            page_size: Self::DEFAULT_SIZE,
        }
    }
}

/// One page of results and the total across all pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub request: PageRequest,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            request: self.request,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_first_page_of_twenty() {
        let p = PageRequest::new(None, None).unwrap();
        assert_eq!((p.page(), p.page_size(), p.offset()), (1, 20, 0));
    }

    #[test]
    fn offset_counts_whole_pages() {
        assert_eq!(PageRequest::new(Some(3), Some(10)).unwrap().offset(), 20);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(None, Some(101)).is_err());
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(Some(-1), None).is_err());
    }
}
