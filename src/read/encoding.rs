//! Bytes of a data file → text (SPEC §5): a BOM decides, else the first 64 KiB do
//! (valid UTF-8 is UTF-8, anything else GB18030, as Excel on Chinese Windows saves).

use std::borrow::Cow;

/// A text encoding a data file may be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    pub(crate) fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Gb18030 => encoding_rs::GB18030,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
        }
    }
}

/// How much of a file decides its encoding when it has no BOM.
pub const SNIFF_LEN: usize = 64 * 1024;

/// A byte sequence that is invalid in the chosen encoding, at a 1-based line and
/// character column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub line: usize,
    pub col: usize,
    pub encoding: Encoding,
}

impl DecodeError {
    /// The error at the end of `valid`, the text decoded before the bad bytes.
    fn after(valid: &str, encoding: Encoding) -> DecodeError {
        let (line, col) = crate::diag::LineIndex::new(valid).locate(valid.len());
        DecodeError {
            line,
            col,
            encoding,
        }
    }
}

/// Decodes a whole file, choosing the encoding unless `forced`.
pub fn decode(
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<(Cow<'_, str>, Encoding), DecodeError> {
    let (bom, bom_len) = match bytes {
        [0xEF, 0xBB, 0xBF, ..] => (Some(Encoding::Utf8), 3),
        [0xFF, 0xFE, ..] => (Some(Encoding::Utf16Le), 2),
        [0xFE, 0xFF, ..] => (Some(Encoding::Utf16Be), 2),
        _ => (None, 0),
    };
    let encoding = forced.or(bom).unwrap_or_else(|| sniff(bytes));
    // A BOM is dropped when it belongs to the encoding in use.
    let body = if bom == Some(encoding) {
        &bytes[bom_len..]
    } else {
        bytes
    };
    let text = match encoding {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(text) => Cow::Borrowed(text),
            Err(e) => {
                let valid = std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default();
                return Err(DecodeError::after(valid, encoding));
            }
        },
        other => Cow::Owned(decode_strict(body, other)?),
    };
    Ok((text, encoding))
}

/// The encoding of a file without a BOM, from its first 64 KiB.
pub(crate) fn sniff(bytes: &[u8]) -> Encoding {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    match std::str::from_utf8(head) {
        Ok(_) => Encoding::Utf8,
        // A multi-byte character cut by the 64 KiB boundary is still UTF-8.
        Err(e) if e.error_len().is_none() && head.len() == SNIFF_LEN => Encoding::Utf8,
        Err(_) => Encoding::Gb18030,
    }
}

fn decode_strict(body: &[u8], encoding: Encoding) -> Result<String, DecodeError> {
    let mut decoder = encoding.codec().new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, _read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        _ => Err(DecodeError::after(&text, encoding)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_decides() {
        let (text, enc) = decode(b"\xEF\xBB\xBFa,b", None).unwrap();
        assert_eq!((text.as_ref(), enc), ("a,b", Encoding::Utf8));
        let (text, enc) = decode(b"\xFF\xFEa\0,\0b\0", None).unwrap();
        assert_eq!((text.as_ref(), enc), ("a,b", Encoding::Utf16Le));
        let (text, enc) = decode(b"\xFE\xFF\0a\0,\0b", None).unwrap();
        assert_eq!((text.as_ref(), enc), ("a,b", Encoding::Utf16Be));
    }

    #[test]
    fn invalid_utf8_means_gb18030() {
        // 指标 in GB18030
        let (text, enc) = decode(b"\xD6\xB8\xB1\xEA,x", None).unwrap();
        assert_eq!((text.as_ref(), enc), ("指标,x", Encoding::Gb18030));
        let (text, enc) = decode("指标,x".as_bytes(), None).unwrap();
        assert_eq!((text.as_ref(), enc), ("指标,x", Encoding::Utf8));
    }

    #[test]
    fn a_later_invalid_sequence_names_its_line() {
        let mut bytes = vec![b'a'; SNIFF_LEN];
        bytes.extend_from_slice(b"\n\nbad \xFF here\n");
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!(
            err,
            DecodeError {
                line: 3,
                col: 5,
                encoding: Encoding::Utf8
            }
        );
        let err = decode(b"a\r\nb\xFF", Some(Encoding::Utf8)).unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn a_forced_encoding_wins() {
        let (text, _) = decode(b"\xD6\xB8", Some(Encoding::Gb18030)).unwrap();
        assert_eq!(text, "指");
        assert!(decode(b"\xD6\xB8\xB1\xEA", Some(Encoding::Utf8)).is_err());
    }
}
