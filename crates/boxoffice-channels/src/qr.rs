//! QR codes of tickets, as SVG (web pages) and PNG (e-mail, where SVG is not shown).
//!
//! `qrcode` computes the module matrix only; both images are written here, the PNG as a
//! 1-bit greyscale with the `png` crate, so no image library is needed.

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, as the QR standard asks for scanners to find it.
const QUIET_ZONE: usize = 4;
/// Pixels per module in the PNG: a ticket code (about 30 modules) becomes ~300 pixels.
pub const PNG_SCALE: usize = 8;

/// The modules of one QR code, quiet zone included.
#[derive(Debug, Clone)]
pub struct QrImage {
    /// Modules per side, quiet zone included.
    side: usize,
    dark: Vec<bool>,
}

/// A text too long for a QR code (a ticket code never is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too long for a QR code")]
pub struct TooLong;

impl QrImage {
    /// The QR code of `text`, with medium error correction (15% of it may be damaged).
    pub fn of(text: &str) -> Result<Self, TooLong> {
        let code = QrCode::with_error_correction_level(text, EcLevel::M).map_err(|_| TooLong)?;
        let width = code.width();
        let side = width + 2 * QUIET_ZONE;
        let mut dark = vec![false; side * side];
        for (i, color) in code.to_colors().into_iter().enumerate() {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            dark[y * side + x] = color == Color::Dark;
        }
        Ok(QrImage { side, dark })
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.side + x]
    }

    /// An SVG drawing the dark modules as one path; it scales to any size.
    pub fn svg(&self) -> String {
        let side = self.side;
        let mut path = String::new();
        for y in 0..side {
            for x in (0..side).filter(|&x| self.is_dark(x, y)) {
                path.push_str(&format!("M{x} {y}h1v1h-1z"));
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
             width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>",
            px = side * PNG_SCALE,
        )
    }

    /// A black-and-white PNG, `PNG_SCALE` pixels per module.
    pub fn png(&self) -> Vec<u8> {
        let pixels = self.side * PNG_SCALE;
        let row_bytes = pixels.div_ceil(8);
        let mut data = vec![0u8; row_bytes * pixels];
        for py in 0..pixels {
            for px in 0..pixels {
                // In 1-bit greyscale a set bit is white.
                if !self.is_dark(px / PNG_SCALE, py / PNG_SCALE) {
                    data[py * row_bytes + px / 8] |= 0x80 >> (px % 8);
                }
            }
        }
        let side = u32::try_from(pixels).expect("a QR code is at most 185 modules wide");
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        // Writing to a Vec cannot fail, and the data has exactly the size announced.
        let mut writer = encoder.write_header().expect("PNG header into memory");
        writer
            .write_image_data(&data)
            .expect("PNG data of the announced size");
        writer.finish().expect("PNG end into memory");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_code_makes_a_small_code_with_its_quiet_zone() {
        let key = boxoffice_domain::TicketKey::derive(b"a deployment's secret");
        let code = key.issue(boxoffice_domain::BookingId(9_876_543_210));
        let image = QrImage::of(code.as_str()).unwrap();
        // Version 3 (29 modules) holds 42 bytes at level M: room for ids of 17 digits.
        assert_eq!(image.side, 29 + 2 * QUIET_ZONE);
        // Finder pattern: the top-left corner module inside the quiet zone is dark.
        assert!(image.is_dark(QUIET_ZONE, QUIET_ZONE));
        assert!(!image.is_dark(0, 0));
    }

    #[test]
    fn the_png_is_a_png_of_the_expected_size() {
        let png = QrImage::of("42.abc").unwrap().png();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(png.as_slice());
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!(info.width, info.height);
        assert_eq!(info.width as usize % PNG_SCALE, 0);
    }

    #[test]
    fn the_svg_draws_dark_modules_on_white() {
        let svg = QrImage::of("42.abc").unwrap().svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("fill=\"#fff\""));
        assert!(svg.contains(&format!("M{QUIET_ZONE} {QUIET_ZONE}h1v1h-1z")));
    }

    #[test]
    fn text_beyond_any_qr_code_is_refused() {
        assert_eq!(QrImage::of(&"x".repeat(4000)).unwrap_err(), TooLong);
    }
}
