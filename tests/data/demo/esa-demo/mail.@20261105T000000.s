Thu Nov  5 00:00:00 2026 Info: Begin Logfile
Thu Nov  5 00:00:00 2026 Info: Version: 15.0.1-030 SN: 564D7E11AA22BB33CC44-DD55EE66FF77
Thu Nov  5 00:00:00 2026 Info: Time offset from UTC: -18000 seconds
Thu Nov  5 03:00:00 2026 Info: CASE cache status: hits = 42, misses = 1310, expires = 0, adds = 1268, seconds saved = 5.10, total seconds = 160.44
Thu Nov  5 07:02:11 2026 Info: New SMTP ICID 10401 interface Data 1 (198.51.100.10) address 192.0.2.25 reverse dns host mx1.partner.example verified yes
Thu Nov  5 07:02:11 2026 Info: ICID 10401 ACCEPT SG PARTNERS match 192.0.2.0/24 SBRS 5.0 country United States
Thu Nov  5 07:02:12 2026 Info: ICID 10401 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384
Thu Nov  5 07:02:12 2026 Info: Start MID 20501 ICID 10401
Thu Nov  5 07:02:12 2026 Info: MID 20501 ICID 10401 From: <invoices@partner.example>
Thu Nov  5 07:02:12 2026 Info: MID 20501 ICID 10401 RID 0 To: <accounts@example.com>
Thu Nov  5 07:02:12 2026 Info: MID 20501 Message-ID '<inv-2026-0457@partner.example>'
Thu Nov  5 07:02:12 2026 Info: MID 20501 Subject 'Invoice 2026-0457'
Thu Nov  5 07:02:13 2026 Info: MID 20501 ready 35120 bytes from <invoices@partner.example>
Thu Nov  5 07:02:13 2026 Info: MID 20501 attachment 'invoice-2026-0457.pdf'
Thu Nov  5 07:02:13 2026 Info: MID 20501 matched all recipients for per-recipient policy Partners in the inbound table
Thu Nov  5 07:02:13 2026 Info: MID 20501 SPF: mailfrom identity invoices@partner.example Pass (v=spf1)
Thu Nov  5 07:02:13 2026 Info: MID 20501 DKIM: pass signature verified (d=partner.example s=mx2026 i=@partner.example)
Thu Nov  5 07:02:13 2026 Info: MID 20501 DMARC: Message from domain partner.example, DMARC pass (SPF aligned True, DKIM aligned True)
Thu Nov  5 07:02:14 2026 Info: MID 20501 interim verdict using engine: CASE spam negative
Thu Nov  5 07:02:14 2026 Info: MID 20501 using engine: CASE spam negative
Thu Nov  5 07:02:14 2026 Info: MID 20501 interim AV verdict using Sophos CLEAN
Thu Nov  5 07:02:14 2026 Info: MID 20501 antivirus negative 
Thu Nov  5 07:02:14 2026 Info: MID 20501 AMP file reputation verdict : CLEAN
Thu Nov  5 07:02:14 2026 Info: MID 20501 Outbreak Filters: verdict negative
Thu Nov  5 07:02:14 2026 Info: MID 20501 queued for delivery
Thu Nov  5 07:02:15 2026 Info: ICID 10401 close
Thu Nov  5 07:02:15 2026 Info: New SMTP DCID 3301 interface 10.1.0.10 address 10.1.5.10 port 25
Thu Nov  5 07:02:15 2026 Info: Delivery start DCID 3301 MID 20501 to RID [0]
Thu Nov  5 07:02:16 2026 Info: Message done DCID 3301 MID 20501 to RID [0] 
Thu Nov  5 07:02:16 2026 Info: MID 20501 RID [0] Response '250 2.0.0 Ok: queued as 7HX2KD01'
Thu Nov  5 07:02:16 2026 Info: Message finished MID 20501 done
Thu Nov  5 07:02:30 2026 Info: DCID 3301 close
Thu Nov  5 07:15:40 2026 Info: New SMTP ICID 10402 interface Data 1 (198.51.100.10) address 198.51.100.66 reverse dns host mail66.spammy.example.net verified no
Thu Nov  5 07:15:40 2026 Info: ICID 10402 REJECT SG BLOCKED_LIST match sbrs[-10.0:-3.0] SBRS -7.5 country Panama
Thu Nov  5 07:15:40 2026 Info: ICID 10402 close
Thu Nov  5 07:31:02 2026 Info: New SMTP ICID 10403 interface Data 1 (198.51.100.10) address 203.0.113.99 reverse dns host unknown verified no
Thu Nov  5 07:31:33 2026 Info: ICID 10403 Connection from 203.0.113.99 on interface Data 1 (198.51.100.10) lost after 31 seconds (DNS query took 31 seconds), before any commands were received
Thu Nov  5 07:40:05 2026 Info: New SMTP ICID 10404 interface Data 1 (198.51.100.10) address 198.51.100.140 reverse dns host out140.letters.example.com verified yes
Thu Nov  5 07:40:05 2026 Info: ICID 10404 ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS 3.1 country Ireland
Thu Nov  5 07:40:06 2026 Info: Start MID 20502 ICID 10404
Thu Nov  5 07:40:06 2026 Info: MID 20502 ICID 10404 From: <digest@letters.example.com>
Thu Nov  5 07:40:06 2026 Info: MID 20502 ICID 10404 RID 0 To: <beth@example.com>
Thu Nov  5 07:40:06 2026 Info: MID 20502 Subject 'Your morning digest'
Thu Nov  5 07:40:07 2026 Info: MID 20502 ready 22016 bytes from <digest@letters.example.com>
Thu Nov  5 07:40:07 2026 Info: MID 20502 matched all recipients for per-recipient policy DEFAULT in the inbound table
Thu Nov  5 07:40:07 2026 Info: MID 20502 interim verdict using engine: CASE bulk
Thu Nov  5 07:40:07 2026 Info: MID 20502 using engine: CASE spam negative
Thu Nov  5 07:40:07 2026 Info: MID 20502 using engine: GRAYMAIL marketing_mail
Thu Nov  5 07:40:07 2026 Info: MID 20502 antivirus negative 
Thu Nov  5 07:40:08 2026 Info: MID 20502 Outbreak Filters: verdict negative
Thu Nov  5 07:40:08 2026 Info: MID 20502 queued for delivery
Thu Nov  5 07:40:08 2026 Info: ICID 10404 close
Thu Nov  5 07:40:08 2026 Info: New SMTP DCID 3302 interface 10.1.0.10 address 10.1.5.10 port 25
Thu Nov  5 07:40:08 2026 Info: Delivery start DCID 3302 MID 20502 to RID [0]
Thu Nov  5 07:40:09 2026 Info: Message done DCID 3302 MID 20502 to RID [0] 
Thu Nov  5 07:40:09 2026 Info: MID 20502 RID [0] Response '250 2.0.0 Ok: queued as 7HX2KD02'
Thu Nov  5 07:40:09 2026 Info: Message finished MID 20502 done
Thu Nov  5 07:40:20 2026 Info: DCID 3302 close
Thu Nov  5 07:52:30 2026 Info: New SMTP ICID 10405 interface Data 1 (198.51.100.10) address 203.0.113.150 reverse dns host vps150.cheaphost.example.net verified no
Thu Nov  5 07:52:30 2026 Info: ICID 10405 ACCEPT SG SUSPECTLIST match sbrs[-3.0:-1.0] SBRS -1.9 country not enabled
Thu Nov  5 07:52:31 2026 Info: Start MID 20503 ICID 10405
Thu Nov  5 07:52:31 2026 Info: MID 20503 ICID 10405 From: <security@account-check.example.net>
Thu Nov  5 07:52:31 2026 Info: MID 20503 ICID 10405 RID 0 To: <carl@example.com>
Thu Nov  5 07:52:31 2026 Info: MID 20503 Subject 'Urgent: verify your mailbox'
Thu Nov  5 07:52:32 2026 Info: MID 20503 ready 6144 bytes from <security@account-check.example.net>
Thu Nov  5 07:52:32 2026 Info: MID 20503 matched all recipients for per-recipient policy DEFAULT in the inbound table
Thu Nov  5 07:52:32 2026 Info: MID 20503 interim verdict using engine: CASE spam positive
Thu Nov  5 07:52:32 2026 Info: MID 20503 using engine: CASE spam positive
Thu Nov  5 07:52:32 2026 Info: Message aborted MID 20503 Dropped by CASE
Thu Nov  5 07:52:32 2026 Info: Message finished MID 20503 done
Thu Nov  5 07:52:33 2026 Info: ICID 10405 close
Thu Nov  5 08:00:00 2026 Info: Logfile rolled over
Thu Nov  5 08:00:00 2026 Info: End Logfile
