//! Bytes of a data file → text (SPEC §5): a BOM decides, else the first 64 KiB do
//! (valid UTF-8 is UTF-8, anything else GB18030, as Excel on Chinese Windows saves);
//! `--encoding` names any WHATWG encoding instead.

use std::borrow::Cow;

/// A text encoding a data file may be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
    Utf16Le,
    Utf16Be,
    /// Any other WHATWG encoding, named by `--encoding` (Big5, Windows-1252, …).
    Other(&'static encoding_rs::Encoding),
}

/// The labels offered for `--encoding` (completion, help, messages), with what each is
/// for; any other WHATWG label is accepted too.
pub const COMMON_LABELS: [(&str, &str); 9] = [
    ("utf8", "UTF-8"),
    ("gb18030", "Simplified Chinese (Excel on Chinese Windows)"),
    ("gbk", "Simplified Chinese, older files (read as GB18030)"),
    ("big5", "Traditional Chinese (Taiwan, Hong Kong)"),
    ("utf-16le", "Excel's \"Unicode text\""),
    ("utf-16be", "UTF-16, big-endian"),
    (
        "windows-1252",
        "Western European (Excel on English, French, German… Windows)",
    ),
    ("shift_jis", "Japanese"),
    ("euc-kr", "Korean"),
];

/// Why a label names no encoding a data file can be read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelError {
    /// Not a WHATWG label.
    Unknown,
    /// A label of `replacement` (ISO-2022-KR, HZ-GB-2312, …: decoding them is unsafe,
    /// so WHATWG turns their text into one error) or `x-user-defined` (bytes as private
    /// characters: never an error, never the text).
    NotText,
}

impl Encoding {
    /// The encoding a label names: any WHATWG label in any ASCII case (`big5`,
    /// `windows-1252`, `utf-8`, `latin1`, `sjis`, …), and `utf16le`, `utf16be`.
    pub fn from_label(label: &str) -> Result<Encoding, LabelError> {
        let label = label.trim();
        if label.eq_ignore_ascii_case("utf16le") {
            return Ok(Encoding::Utf16Le);
        }
        if label.eq_ignore_ascii_case("utf16be") {
            return Ok(Encoding::Utf16Be);
        }
        match encoding_rs::Encoding::for_label(label.as_bytes()) {
            None => Err(LabelError::Unknown),
            Some(codec)
                if codec == encoding_rs::REPLACEMENT || codec == encoding_rs::X_USER_DEFINED =>
            {
                Err(LabelError::NotText)
            }
            Some(codec) => Ok(Encoding::of(codec)),
        }
    }

    /// The encoding of an `encoding_rs` codec: the four with BOMs or detection by name.
    fn of(codec: &'static encoding_rs::Encoding) -> Encoding {
        if codec == encoding_rs::UTF_8 {
            Encoding::Utf8
        } else if codec == encoding_rs::GB18030 {
            Encoding::Gb18030
        } else if codec == encoding_rs::UTF_16LE {
            Encoding::Utf16Le
        } else if codec == encoding_rs::UTF_16BE {
            Encoding::Utf16Be
        } else {
            Encoding::Other(codec)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Other(codec) => codec.name(),
        }
    }

    pub(crate) fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Gb18030 => encoding_rs::GB18030,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Other(codec) => codec,
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
    fn any_whatwg_label_names_an_encoding() {
        let name = |label: &str| Encoding::from_label(label).map(Encoding::name);
        assert_eq!(name("utf8"), Ok("UTF-8"));
        assert_eq!(name("UTF-8"), Ok("UTF-8"));
        assert_eq!(name("gb18030"), Ok("GB18030"));
        assert_eq!(name("gbk"), Ok("GBK"));
        assert_eq!(name("gb2312"), Ok("GBK"));
        assert_eq!(name("big5"), Ok("Big5"));
        assert_eq!(name(" Windows-1252 "), Ok("windows-1252"));
        assert_eq!(name("latin1"), Ok("windows-1252"));
        assert_eq!(name("shift_jis"), Ok("Shift_JIS"));
        assert_eq!(name("euc-kr"), Ok("EUC-KR"));
        assert_eq!(Encoding::from_label("utf-16le"), Ok(Encoding::Utf16Le));
        assert_eq!(Encoding::from_label("utf16le"), Ok(Encoding::Utf16Le));
        assert_eq!(Encoding::from_label("UTF16BE"), Ok(Encoding::Utf16Be));
        assert_eq!(Encoding::from_label("utf-16"), Ok(Encoding::Utf16Le));
        assert_eq!(Encoding::from_label("klingon"), Err(LabelError::Unknown));
        assert_eq!(Encoding::from_label(""), Err(LabelError::Unknown));
        assert_eq!(
            Encoding::from_label("replacement"),
            Err(LabelError::NotText)
        );
        assert_eq!(Encoding::from_label("hz-gb-2312"), Err(LabelError::NotText));
        assert_eq!(
            Encoding::from_label("x-user-defined"),
            Err(LabelError::NotText)
        );
        for (label, _) in COMMON_LABELS {
            assert!(Encoding::from_label(label).is_ok(), "{label}");
        }
    }

    #[test]
    fn big5_and_windows_1252_decode_when_named() {
        // 台北 in Big5; Montréal in Windows-1252.
        let big5 = Encoding::from_label("big5").unwrap();
        let (text, _) = decode(b"\xA5\x78\xA5\x5F,1", Some(big5)).unwrap();
        assert_eq!(text, "台北,1");
        let cp1252 = Encoding::from_label("windows-1252").unwrap();
        let (text, _) = decode(b"Montr\xE9al", Some(cp1252)).unwrap();
        assert_eq!(text, "Montréal");
        // A byte that Big5 does not allow names its line.
        let err = decode(b"a\nb\x80\x20", Some(big5)).unwrap_err();
        assert_eq!((err.line, err.col), (2, 2));
    }

    #[test]
    fn a_forced_encoding_wins() {
        let (text, _) = decode(b"\xD6\xB8", Some(Encoding::Gb18030)).unwrap();
        assert_eq!(text, "指");
        assert!(decode(b"\xD6\xB8\xB1\xEA", Some(Encoding::Utf8)).is_err());
    }
}
