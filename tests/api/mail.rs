//! With SMTP configured, the one-time link is e-mailed too (to a minimal SMTP sink here).

use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use voorzieningen::config::{Settings, SmtpSettings};

use crate::helpers::TestApp;

/// Accepts SMTP sessions and sends each message's DATA to the channel.
pub async fn smtp_sink() -> (u16, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            tx.send(std::mem::take(&mut data)).unwrap();
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn a_new_users_link_is_emailed_when_smtp_is_configured() {
    let (port, mut mails) = smtp_sink().await;
    let settings = Settings {
        public_url: Some("https://register.example.nl".into()),
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            from: "noreply@register.example.nl".into(),
            username: None,
            password: None,
        }),
        ..Settings::default()
    };
    let app = TestApp::spawn_with(settings).await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let page = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Mia Post"),
                ("email", "mia@almelo.nl"),
                ("rollen", "wijkteam"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("De link is ook per e-mail naar mia@almelo.nl gestuurd."),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("https://register.example.nl/wachtwoord-instellen/"));
    let mail = tokio::time::timeout(std::time::Duration::from_secs(5), mails.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(mail.contains("To: mia@almelo.nl"), "{mail}");
    assert!(mail.contains("Beste Mia Post"), "{mail}");
    assert!(
        mail.contains("https://register.example.nl/wachtwoord-instellen/"),
        "{mail}"
    );
}

#[tokio::test]
async fn when_the_mail_relay_is_down_the_beheerder_is_told_to_pass_the_link_on() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let settings = Settings {
        public_url: Some("https://register.example.nl".into()),
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            from: "noreply@x.nl".into(),
            username: None,
            password: None,
        }),
        ..Settings::default()
    };
    let app = TestApp::spawn_with(settings).await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let page = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Bo"),
                ("email", "bo@almelo.nl"),
                ("rollen", "wijkteam"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("Het versturen van de e-mail is niet gelukt"));
    assert!(page.body.contains("/wachtwoord-instellen/"));
}

#[tokio::test]
async fn without_public_url_a_link_built_from_the_host_header_is_shown_but_never_emailed() {
    let (port, mut mails) = smtp_sink().await;
    let settings = Settings {
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            from: "noreply@register.example.nl".into(),
            username: None,
            password: None,
        }),
        ..Settings::default()
    };
    let app = TestApp::spawn_with(settings).await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    beheer.get("/almelo/beheer/gebruikers/nieuw").await;
    // A request whose Host header someone else chose.
    let page = beheer
        .client
        .post(app.url("/almelo/beheer/gebruikers"))
        .header("host", "evil.example")
        .form(&[
            ("naam", "Ed Host"),
            ("email", "ed@almelo.nl"),
            ("rollen", "wijkteam"),
            ("csrf_token", beheer.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(
        body.contains("De link is niet per e-mail gestuurd"),
        "{body}"
    );
    assert!(body.contains("PUBLIC_URL"));
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(500), mails.recv())
            .await
            .is_err(),
        "nothing was e-mailed"
    );
}

/// A message the STARTTLS sink received, and whether it came over TLS.
struct Received {
    data: String,
    over_tls: bool,
}

/// An SMTP sink that offers STARTTLS (when `offer`), with a certificate for 127.0.0.1 from
/// the test CA in `fixtures/`.
async fn starttls_sink(offer: bool) -> (u16, mpsc::UnboundedReceiver<Received>) {
    use std::sync::Arc;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls::{crypto::ring, ServerConfig};

    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/fixtures");
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(fixtures.join("smtp-test-cert.pem"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key = PrivateKeyDer::from_pem_file(fixtures.join("smtp-test-key.pem")).unwrap();
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let mut stream = tokio::io::BufReader::new(stream);
                stream
                    .get_mut()
                    .write_all(b"220 sink ESMTP\r\n")
                    .await
                    .unwrap();
                if let Some(plain) = dialogue(stream, offer, false, &tx).await {
                    let Ok(tls) = acceptor.accept(plain).await else {
                        return;
                    };
                    dialogue(tokio::io::BufReader::new(tls), false, true, &tx).await;
                }
            });
        }
    });
    (port, rx)
}

/// Talks SMTP until QUIT; returns the stream when the client asks for STARTTLS.
async fn dialogue<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: tokio::io::BufReader<S>,
    offer: bool,
    over_tls: bool,
    tx: &mpsc::UnboundedSender<Received>,
) -> Option<S> {
    let mut data = String::new();
    let mut in_data = false;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if in_data {
            if text == "." {
                in_data = false;
                let _ = tx.send(Received {
                    data: std::mem::take(&mut data),
                    over_tls,
                });
                stream.get_mut().write_all(b"250 queued\r\n").await.ok()?;
            } else {
                data.push_str(text);
                data.push('\n');
            }
            continue;
        }
        let upper = text.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") && offer {
            b"250-sink\r\n250 STARTTLS\r\n"
        } else if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 sink\r\n"
        } else if upper.starts_with("STARTTLS") && offer {
            stream.get_mut().write_all(b"220 go ahead\r\n").await.ok()?;
            return Some(stream.into_inner());
        } else if upper.starts_with("DATA") {
            in_data = true;
            b"354 go ahead\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = stream.get_mut().write_all(b"221 bye\r\n").await;
            return None;
        } else {
            b"250 ok\r\n"
        };
        stream.get_mut().write_all(reply).await.ok()?;
    }
}

fn settings_for(port: u16, mode: voorzieningen::config::SmtpTls) -> Settings {
    let ca = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/api/fixtures/smtp-test-ca.pem"),
    )
    .unwrap();
    Settings {
        public_url: Some("https://register.example.nl".into()),
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            from: "noreply@register.example.nl".into(),
            username: None,
            password: None,
        }),
        smtp_tls: voorzieningen::config::SmtpTlsSettings {
            mode,
            ca_pem: Some(ca),
        },
        ..Settings::default()
    }
}

async fn add_user(app: &TestApp, email: &str) -> String {
    let mut beheer = app.login("beheer@almelo.demo").await;
    beheer.get("/almelo/beheer/gebruikers/nieuw").await;
    let page = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[("naam", "Tee Ls"), ("email", email), ("rollen", "wijkteam")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.body
}

#[tokio::test]
async fn mail_goes_over_starttls_when_the_relay_offers_it() {
    let (port, mut mails) = starttls_sink(true).await;
    let app = TestApp::spawn_with(settings_for(port, Default::default())).await;
    let body = add_user(&app, "tls@almelo.nl").await;
    assert!(
        body.contains("De link is ook per e-mail naar tls@almelo.nl gestuurd."),
        "{body}"
    );
    let mail = tokio::time::timeout(std::time::Duration::from_secs(5), mails.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(mail.over_tls, "sent after STARTTLS");
    assert!(mail.data.contains("To: tls@almelo.nl"));
}

#[tokio::test]
async fn with_tls_required_a_relay_without_starttls_gets_no_mail() {
    let (port, mut mails) = starttls_sink(false).await;
    let app =
        TestApp::spawn_with(settings_for(port, voorzieningen::config::SmtpTls::Required)).await;
    let body = add_user(&app, "geen-tls@almelo.nl").await;
    assert!(
        body.contains("Het versturen van de e-mail is niet gelukt"),
        "{body}"
    );
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(500), mails.recv())
            .await
            .is_err(),
        "nothing was sent in the clear"
    );
    // Opportunistic (the default): the same relay gets it in the clear, as it offers no TLS.
    let (port, mut mails) = starttls_sink(false).await;
    let app = TestApp::spawn_with(settings_for(port, Default::default())).await;
    add_user(&app, "plain@almelo.nl").await;
    let mail = tokio::time::timeout(std::time::Duration::from_secs(5), mails.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(!mail.over_tls);
}
