//! QR code images of short links: PNG (8-bit grey) and SVG, drawn from the `qrcode` crate's
//! module grid with a four-module quiet zone, as scanners expect.

use qrcode::{Color, EcLevel, QrCode};

/// Pixels per module in the PNG: a version-3 code (29 modules + quiet zone) is 296 px.
const SCALE: u32 = 8;
/// Modules of white border on each side (the QR standard's quiet zone).
const QUIET: u32 = 4;

/// The module grid of `data`: its side and whether each module is dark, row by row.
fn grid(data: &str) -> Result<(u32, Vec<bool>), String> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|e| e.to_string())?;
    let side = u32::try_from(code.width()).map_err(|e| e.to_string())?;
    Ok((side, code.to_colors().into_iter().map(|c| c == Color::Dark).collect()))
}

/// A PNG of the QR code of `data`.
pub fn png(data: &str) -> Result<Vec<u8>, String> {
    let (side, dark) = grid(data)?;
    let px = (side + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; (px * px) as usize];
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let (mx, my) = (i as u32 % side + QUIET, i as u32 / side + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            let row = (y * px) as usize;
            pixels[row + (mx * SCALE) as usize..row + ((mx + 1) * SCALE) as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, px, px);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// An SVG of the QR code of `data`: one path of unit squares on a white square.
pub fn svg(data: &str) -> Result<String, String> {
    let (side, dark) = grid(data)?;
    let n = side + 2 * QUIET;
    let mut path = String::new();
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let (x, y) = (i as u32 % side + QUIET, i as u32 / side + QUIET);
        path.push_str(&format!("M{x} {y}h1v1h-1z"));
    }
    let size = n * SCALE;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\"><rect width=\"{n}\" height=\"{n}\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"{path}\"/></svg>\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_the_signature_and_a_square_image() {
        let bytes = png("http://127.0.0.1:8080/wa/message/ANED2T5QRU7HG1").unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!(info.width, info.height);
        assert_eq!(info.width % SCALE, 0);
    }

    #[test]
    fn svg_draws_modules() {
        let s = svg("hello").unwrap();
        assert!(s.contains("<svg") && s.contains("h1v1h-1z"), "{s}");
    }
}
