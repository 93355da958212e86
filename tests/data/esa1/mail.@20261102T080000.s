Mon Nov  2 08:00:00 2026 Info: Begin Logfile
Mon Nov  2 08:00:00 2026 Info: Version: 15.0.1-030 SN: 564D2A9E7F3B1C0D4E5F-A1B2C3D4E5F6
Mon Nov  2 08:00:00 2026 Info: Time offset from UTC: -18000 seconds
Mon Nov  2 08:01:12 2026 Info: New SMTP ICID 52001 interface Data 1 (198.51.100.25) address 192.0.2.10 reverse dns host mail.sender.example verified yes
Mon Nov  2 08:01:12 2026 Info: ICID 52001 ACCEPT SG ACCEPTLIST match sbrs[2.0:10.0] SBRS 4.2 country United States
Mon Nov  2 08:01:13 2026 Info: ICID 52001 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384
Mon Nov  2 08:01:13 2026 Info: Start MID 81001 ICID 52001
Mon Nov  2 08:01:13 2026 Info: MID 81001 ICID 52001 From: <orders@sender.example>
Mon Nov  2 08:01:13 2026 Info: MID 81001 ICID 52001 RID 0 To: <alice@example.com>
Mon Nov  2 08:01:13 2026 Info: MID 81001 ICID 52001 RID 1 To: <bob@example.com>
Mon Nov  2 08:01:14 2026 Info: MID 81001 Message-ID '<20261102130113.7781@mail.sender.example>'
Mon Nov  2 08:01:14 2026 Info: MID 81001 Subject 'Order 4471 confirmation'
Mon Nov  2 08:01:14 2026 Info: MID 81001 SDR: Domains for which SDR is requested: reverse DNS host: mail.sender.example, helo: mail.sender.example, env-from: sender.example, header-from: sender.example, reply-to: Not Present
Mon Nov  2 08:01:14 2026 Info: MID 81001 ready 24311 bytes from <orders@sender.example>
Mon Nov  2 08:01:14 2026 Info: MID 81001 attachment 'order-4471.pdf'
Mon Nov  2 08:01:14 2026 Info: MID 81001 SPF: mailfrom identity orders@sender.example Pass (v=spf1)
Mon Nov  2 08:01:14 2026 Info: MID 81001 DKIM: pass signature verified (d=sender.example s=sel2026 i=@sender.example)
Mon Nov  2 08:01:14 2026 Info: MID 81001 DMARC: Message from domain sender.example, DMARC pass (SPF aligned True, DKIM aligned True)
Mon Nov  2 08:01:14 2026 Info: MID 81001 DMARC: Verification passed
Mon Nov  2 08:01:14 2026 Info: MID 81001 SDR: Consolidated Sender Threat Level: Neutral, Threat Category: N/A, Suspected Domain(s) : N/A (other reasons for verdict). Sender Maturity: 30 days (or greater) for domain: mail.sender.example
Mon Nov  2 08:01:14 2026 Info: MID 81001 matched all recipients for per-recipient policy Inbound Partners in the inbound table
Mon Nov  2 08:01:15 2026 Info: MID 81001 interim verdict using engine: CASE spam negative
Mon Nov  2 08:01:15 2026 Info: MID 81001 using engine: CASE spam negative
Mon Nov  2 08:01:15 2026 Info: MID 81001 interim AV verdict using Sophos CLEAN
Mon Nov  2 08:01:15 2026 Info: MID 81001 antivirus negative 
Mon Nov  2 08:01:15 2026 Info: MID 81001 AMP file reputation verdict : CLEAN
Mon Nov  2 08:01:15 2026 Info: MID 81001 Outbreak Filters: verdict negative
Mon Nov  2 08:01:15 2026 Info: MID 81001 queued for delivery
Mon Nov  2 08:01:15 2026 Info: New SMTP DCID 7301 interface 10.20.0.25 address 10.20.5.10 port 25
Mon Nov  2 08:01:15 2026 Info: Delivery start DCID 7301 MID 81001 to RID [0, 1]
Mon Nov  2 08:01:16 2026 Info: Start MID 81002 ICID 52001
Mon Nov  2 08:01:16 2026 Info: MID 81002 ICID 52001 From: <orders@sender.example>
Mon Nov  2 08:01:16 2026 Info: MID 81002 ICID 52001 RID 0 To: <carol.old@example.com>
Mon Nov  2 08:01:16 2026 Info: Message done DCID 7301 MID 81001 to RID [0, 1] 
Mon Nov  2 08:01:16 2026 Info: MID 81001 RID [0, 1] Response '2.0.0 Ok: queued as 4Ab7Kq1Zx9'
Mon Nov  2 08:01:16 2026 Info: Message finished MID 81001 done
Mon Nov  2 08:01:16 2026 Info: MID 81002 Message-ID '<20261102130116.7782@mail.sender.example>'
Mon Nov  2 08:01:16 2026 Info: MID 81002 Subject 'Order 4472 confirmation'
Mon Nov  2 08:01:16 2026 Info: MID 81002 ready 18220 bytes from <orders@sender.example>
Mon Nov  2 08:01:16 2026 Info: MID 81002 matched all recipients for per-recipient policy Inbound Partners in the inbound table
Mon Nov  2 08:01:17 2026 Info: MID 81002 interim verdict using engine: CASE spam negative
Mon Nov  2 08:01:17 2026 Info: MID 81002 using engine: CASE spam negative
Mon Nov  2 08:01:17 2026 Info: MID 81002 interim AV verdict using Sophos CLEAN
Mon Nov  2 08:01:17 2026 Info: MID 81002 antivirus negative 
Mon Nov  2 08:01:17 2026 Info: MID 81002 Outbreak Filters: verdict negative
Mon Nov  2 08:01:17 2026 Info: MID 81002 queued for delivery
Mon Nov  2 08:01:17 2026 Info: ICID 52001 close
Mon Nov  2 08:01:17 2026 Info: Delivery start DCID 7301 MID 81002 to RID [0]
Mon Nov  2 08:01:18 2026 Info: Bounced: DCID 7301 MID 81002 From: <orders@sender.example> To: <carol.old@example.com> RID 0 - 5.1.1 - Bad destination email address ('550', ['5.1.1 <carol.old@example.com>: Recipient address rejected: User unknown in local recipient table'])
Mon Nov  2 08:01:18 2026 Info: MID 81003 was generated for bounce of MID 81002
Mon Nov  2 08:01:18 2026 Info: Start MID 81003 ICID 0
Mon Nov  2 08:01:18 2026 Info: MID 81003 ICID 0 From: <>
Mon Nov  2 08:01:18 2026 Info: MID 81003 ICID 0 RID 0 To: <orders@sender.example>
Mon Nov  2 08:01:18 2026 Info: MID 81003 ready 3120 bytes from <>
Mon Nov  2 08:01:18 2026 Info: MID 81003 queued for delivery
Mon Nov  2 08:01:18 2026 Info: Message finished MID 81002 done
Mon Nov  2 08:01:19 2026 Info: New SMTP DCID 7302 interface 198.51.100.25 address 192.0.2.11 port 25
Mon Nov  2 08:01:19 2026 Info: DCID 7302 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384
Mon Nov  2 08:01:19 2026 Info: Delivery start DCID 7302 MID 81003 to RID [0]
Mon Nov  2 08:01:20 2026 Info: Message done DCID 7302 MID 81003 to RID [0] 
Mon Nov  2 08:01:20 2026 Info: MID 81003 RID [0] Response '2.0.0 Ok: queued as 9QpL2mX4cT'
Mon Nov  2 08:01:20 2026 Info: Message finished MID 81003 done
Mon Nov  2 08:01:20 2026 Info: DCID 7302 close
Mon Nov  2 08:01:30 2026 Info: DCID 7301 close
Mon Nov  2 08:02:40 2026 Info: New SMTP ICID 52002 interface Data 1 (198.51.100.25) address 198.51.100.7 reverse dns host dyn-7.pool.example.net verified no
Mon Nov  2 08:02:40 2026 Info: ICID 52002 REJECT SG BLOCKED_LIST match sbrs[-10.0:-3.0] SBRS -7.9 country Netherlands
Mon Nov  2 08:02:40 2026 Info: ICID 52002 close
Mon Nov  2 08:05:00 2026 Info: CASE cache status: hits = 118, misses = 2210, expires = 0, adds = 2092, seconds saved = 14.62, total seconds = 301.77
Mon Nov  2 08:10:02 2026 Info: New SMTP ICID 52003 interface Data 2 (10.20.0.25) address 10.20.1.15 reverse dns host app01.corp.example.com verified yes
Mon Nov  2 08:10:02 2026 Info: ICID 52003 RELAY SG RELAYLIST match 10.20.0.0/16 SBRS not enabled country not enabled
Mon Nov  2 08:10:02 2026 Info: Start MID 81004 ICID 52003
Mon Nov  2 08:10:02 2026 Info: MID 81004 ICID 52003 From: <noreply@example.com>
Mon Nov  2 08:10:02 2026 Info: MID 81004 ICID 52003 RID 0 To: <ops@partner.example.net>
Mon Nov  2 08:10:02 2026 Info: MID 81004 ICID 52003 RID 1 To: <ghost@nx.example>
Mon Nov  2 08:10:03 2026 Info: MID 81004 Message-ID '<app01.20261102081002.1@example.com>'
Mon Nov  2 08:10:03 2026 Info: MID 81004 Subject "Nightly report: 2 jobs failed"
Mon Nov  2 08:10:03 2026 Info: MID 81004 ready 5512 bytes from <noreply@example.com>
Mon Nov  2 08:10:03 2026 Info: MID 81004 matched all recipients for per-recipient policy DEFAULT in the outbound table
Mon Nov  2 08:10:03 2026 Info: MID 81004 interim AV verdict using Sophos CLEAN
Mon Nov  2 08:10:03 2026 Info: MID 81004 antivirus negative 
Mon Nov  2 08:10:03 2026 Info: MID 81004 queued for delivery
Mon Nov  2 08:10:03 2026 Info: ICID 52003 close
Mon Nov  2 08:10:04 2026 Info: New SMTP DCID 7303 interface 198.51.100.25 address 203.0.113.30 port 25
Mon Nov  2 08:10:04 2026 Info: DCID 7303 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384
Mon Nov  2 08:10:04 2026 Info: Delivery start DCID 7303 MID 81004 to RID [0]
Mon Nov  2 08:10:04 2026 Info: Bounced: DCID 0 MID 81004 From: <noreply@example.com> To: <ghost@nx.example> RID 1 - 5.1.2 - Bad destination host ('000', ['DNS Hard Error looking up nx.example (MX): NXDomain'])
Mon Nov  2 08:10:05 2026 Info: Message done DCID 7303 MID 81004 to RID [0] [('from', 'Nightly Jobs <noreply@example.com>'), ('to', 'ops@partner.example.net, ghost@nx.example')]
Mon Nov  2 08:10:05 2026 Info: MID 81004 RID [0] Response '250 2.0.0 Ok: queued as 5F2C81A07'
Mon Nov  2 08:10:05 2026 Info: Message finished MID 81004 done
Mon Nov  2 08:10:30 2026 Info: DCID 7303 close
Mon Nov  2 08:31:10 2026 Info: New SMTP ICID 52004 interface Data 1 (198.51.100.25) address 203.0.113.55 reverse dns host unknown verified no
Mon Nov  2 08:31:45 2026 Info: ICID 52004 Connection from 203.0.113.55 on interface Data 1 (198.51.100.25) lost after 35 seconds (DNS query took 35 seconds), before any commands were received
Mon Nov  2 08:40:21 2026 Info: New SMTP ICID 52005 interface Data 1 (198.51.100.25) address 203.0.113.201 reverse dns host bulk201.mailer.example.org verified yes
Mon Nov  2 08:40:21 2026 Info: ICID 52005 TCPREFUSE SG RBL_REFUSE match dnslist[zen.dnsbl.example.net] SBRS None
Mon Nov  2 08:40:21 2026 Info: ICID 52005 close
Mon Nov  2 08:40:50 2026 Info: ICID 0 TCPREFUSE SG RBL_REFUSE match dnslist[zen.dnsbl.example.net] SBRS None
Mon Nov  2 08:52:03 2026 Info: New SMTP ICID 52006 interface Data 1 (198.51.100.25) address 203.0.113.80 reverse dns host host80.dyn.example.org verified no
Mon Nov  2 08:52:03 2026 Info: ICID 52006 ACCEPT SG UNKNOWNLIST match sbrs[-1.0:2.0] SBRS 0.4 country Germany
Mon Nov  2 08:52:04 2026 Info: ICID 52006 TLS failed: [Errno 104] Connection reset by peer
Mon Nov  2 08:52:04 2026 Info: ICID 52006 lost
Mon Nov  2 09:05:11 2026 Info: New SMTP ICID 52007 interface Data 1 (198.51.100.25) address 203.0.113.71 reverse dns host  relay.oddspace.example.org verified no
Mon Nov  2 09:05:11 2026 Info: ICID 52007 ACCEPT SG UNKNOWNLIST match sbrs[-1.0:2.0] SBRS -0.6 country Brazil
Mon Nov  2 09:05:12 2026 Info: Start MID 81005 ICID 52007
Mon Nov  2 09:05:12 2026 Info: MID 81005 ICID 52007 From: <promo@oddspace.example.org>
Mon Nov  2 09:05:12 2026 Info: MID 81005 ICID 52007 RID 0 To: <ivan@example.com>
Mon Nov  2 09:05:12 2026 Info: MID 81005 Message-ID '<a1b2c3.8812@relay.oddspace.example.org>'
Mon Nov  2 09:05:12 2026 Info: MID 81005 Subject '=?utf-8?B?w5xiZXJ3ZWlzdW5nIGJlc3TDpHRpZ2Vu?='
Mon Nov  2 09:05:13 2026 Info: MID 81005 ready 9921 bytes from <promo@oddspace.example.org>
Mon Nov  2 09:05:13 2026 Info: MID 81005 matched all recipients for per-recipient policy DEFAULT in the inbound table
Mon Nov  2 09:05:13 2026 Info: MID 81005 URL http://www.oddspace.example.org/confirm?id=8812&src=mail has reputation -6.2 matched Condition: URL Reputation Rule
Mon Nov  2 09:05:13 2026 Info: MID 81005 interim verdict using engine: CASE spam suspect
Mon Nov  2 09:05:13 2026 Info: MID 81005 using engine: CASE spam suspect
Mon Nov  2 09:05:14 2026 Info: MID 81005 interim AV verdict using Sophos CLEAN
Mon Nov  2 09:05:14 2026 Info: MID 81005 antivirus negative 
Mon Nov  2 09:05:14 2026 Info: MID 81005 Outbreak Filters: verdict negative
Mon Nov  2 09:05:14 2026 Info: ISQ: Tagging MID 81005 for quarantine
Mon Nov  2 09:05:14 2026 Info: MID 81005 queued for delivery
Mon Nov  2 09:05:14 2026 Info: ICID 52007 close
Mon Nov  2 09:05:15 2026 Info: New SMTP DCID 7304 interface 10.20.0.25 address 10.20.0.40 port 6025
Mon Nov  2 09:05:15 2026 Info: Delivery start DCID 7304 MID 81005 to RID [0]
Mon Nov  2 09:05:15 2026 Info: Message done DCID 7304 MID 81005 to RID [0] (external quarantine) 
Mon Nov  2 09:05:15 2026 Info: MID 81005 RID [0] Response 'ok:  Message 40117 accepted'
Mon Nov  2 09:05:15 2026 Info: Message finished MID 81005 done
Mon Nov  2 09:05:20 2026 Info: DCID 7304 close
Mon Nov  2 09:20:40 2026 Info: New SMTP ICID 52008 interface Data 1 (198.51.100.25) address 203.0.113.90 reverse dns host host90.spam.example.net verified no
Mon Nov  2 09:20:40 2026 Info: ICID 52008 ACCEPT SG UNKNOWNLIST match ALL SBRS unable to retrieve
Mon Nov  2 09:20:41 2026 Info: Start MID 81006 ICID 52008
Mon Nov  2 09:20:41 2026 Info: MID 81006 ICID 52008 From: <winner@lottery.example.net>
Mon Nov  2 09:20:41 2026 Info: MID 81006 ICID 52008 RID 0 To: <judy@example.com>
Mon Nov  2 09:20:41 2026 Info: MID 81006 Subject "You have won!!!"
Mon Nov  2 09:20:41 2026 Info: MID 81006 ready 3311 bytes from <winner@lottery.example.net>
Mon Nov  2 09:20:41 2026 Info: MID 81006 matched all recipients for per-recipient policy DEFAULT in the inbound table
Mon Nov  2 09:20:42 2026 Info: MID 81006 interim verdict using engine: CASE spam positive
Mon Nov  2 09:20:42 2026 Info: MID 81006 using engine: CASE spam positive
Mon Nov  2 09:20:42 2026 Info: Message aborted MID 81006 Dropped by CASE
Mon Nov  2 09:20:42 2026 Info: Message finished MID 81006 done
Mon Nov  2 09:20:42 2026 Info: ICID 52008 close
Mon Nov  2 09:31:05 2026 Info: New SMTP ICID 52009 interface Data 1 (198.51.100.25) address 198.51.100.150 reverse dns host smtp.nosuch.example.org verified yes
Mon Nov  2 09:31:05 2026 Info: ICID 52009 ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS 1.3 country Brazil
Mon Nov  2 09:31:06 2026 Info: ICID 52009 Address: <ceo@nosuch.example.org> sender rejected, envelope sender domain does not exist
Mon Nov  2 09:31:06 2026 Info: ICID 52009 close
Mon Nov  2 09:40:22 2026 Info: New SMTP ICID 52010 interface Data 1 (198.51.100.25) address 203.0.113.140 reverse dns host smtp140.hosting.example.net verified yes
Mon Nov  2 09:40:22 2026 Info: ICID 52010 ACCEPT SG SUSPECTLIST match sbrs[-3.0:-1.0] SBRS -1.2 country United States
Mon Nov  2 09:40:23 2026 Info: Start MID 81007 ICID 52010
Mon Nov  2 09:40:23 2026 Info: MID 81007 ICID 52010 From: <payroll@hosting.example.net>
Mon Nov  2 09:40:23 2026 Info: MID 81007 ICID 52010 RID 0 To: <kim@example.com>
Mon Nov  2 09:40:23 2026 Info: MID 81007 Message-ID "<O'Neil.20261102.77@hosting.example.net>"
Mon Nov  2 09:40:23 2026 Info: MID 81007 Subject "Your payslip for October"
Mon Nov  2 09:40:24 2026 Info: MID 81007 ready 61240 bytes from <payroll@hosting.example.net>
Mon Nov  2 09:40:24 2026 Info: MID 81007 attachment 'payslip_oct.docm'
Mon Nov  2 09:40:24 2026 Info: MID 81007 matched all recipients for per-recipient policy DEFAULT in the inbound table
Mon Nov  2 09:40:24 2026 Info: MID 81007 interim verdict using engine: CASE spam negative
Mon Nov  2 09:40:24 2026 Info: MID 81007 using engine: CASE spam negative
Mon Nov  2 09:40:25 2026 Info: MID 81007 interim AV verdict using Sophos VIRAL
Mon Nov  2 09:40:25 2026 Info: MID 81007 antivirus positive 'Troj/MacroDl-ZQ', 'Mal/DocDl-K' 
Mon Nov  2 09:40:25 2026 Info: MID 81007 AMP file reputation verdict : MALWARE
Mon Nov  2 09:40:25 2026 Info: MID 81007 Custom Log Entry: macro-enabled office attachment from external sender
Mon Nov  2 09:40:25 2026 Info: MID 81007 enqueued for transfer to centralized quarantine "Virus" (a/v verdict VIRAL)
Mon Nov  2 09:40:25 2026 Info: MID 81007 queued for delivery
Mon Nov  2 09:40:26 2026 Info: ICID 52010 close
Mon Nov  2 10:30:15 2026 Info: New SMTP ICID 52011 interface Data 1 (198.51.100.25) address 192.0.2.140 reverse dns host exch.client.example.net verified yes
Mon Nov  2 10:30:15 2026 Info: ICID 52011 ACCEPT SG ACCEPTLIST match sbrs[2.0:10.0] SBRS 6.1 country United Kingdom
Mon Nov  2 10:30:16 2026 Info: Start MID 81008 ICID 52011
Mon Nov  2 10:30:16 2026 Info: MID 81008 ICID 52011 From: <pat@client.example.net>
Mon Nov  2 10:30:16 2026 Info: MID 81008 ICID 52011 RID 0 To: <quinn@example.com>
Mon Nov  2 10:30:16 2026 Info: MID 81008 Message-ID '<DB9PR01MB.20261102.3310@client.example.net>'
Mon Nov  2 10:30:16 2026 Info: MID 81008 Subject Re: Quarterly figures\r\n (draft v2)
Mon Nov  2 10:30:17 2026 Info: MID 81008 ready 88210 bytes from <pat@client.example.net>
Mon Nov  2 10:30:17 2026 Info: MID 81008 attachment 'Q3-figures.xlsm'
Mon Nov  2 10:30:17 2026 Info: MID 81008 matched all recipients for per-recipient policy DEFAULT in the inbound table
Mon Nov  2 10:30:17 2026 Info: MID 81008 interim verdict using engine: CASE spam negative
Mon Nov  2 10:30:17 2026 Info: MID 81008 using engine: CASE spam negative
Mon Nov  2 10:30:18 2026 Info: MID 81008 interim AV verdict using Sophos CLEAN
Mon Nov  2 10:30:18 2026 Info: MID 81008 antivirus negative 
Mon Nov  2 10:30:18 2026 Info: MID 81008 AMP file reputation verdict : CLEAN
Mon Nov  2 10:30:18 2026 Info: MID 81008 quarantined to "Policy" (content filter quarantine_macros)
Mon Nov  2 10:30:18 2026 Info: ICID 52011 close
Mon Nov  2 11:20:38 2026 Info: New SMTP ICID 52012 interface Data 1 (198.51.100.25) address 192.0.2.10 reverse dns host mail.sender.example verified yes
Mon Nov  2 11:20:38 2026 Info: ICID 52012 ACCEPT SG ACCEPTLIST match sbrs[2.0:10.0] SBRS 4.2 country United States
Mon Nov  2 11:20:39 2026 Info: ICID 52012 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384
Mon Nov  2 11:20:39 2026 Info: Start MID 81009 ICID 52012
Mon Nov  2 11:20:39 2026 Info: MID 81009 ICID 52012 From: <billing@sender.example>
Mon Nov  2 11:20:39 2026 Info: MID 81009 ICID 52012 RID 0 To: <erin@branch.example.com>
Mon Nov  2 11:20:39 2026 Info: MID 81009 Message-ID '<20261102162039.9034@mail.sender.example>'
Mon Nov  2 11:20:39 2026 Info: MID 81009 Subject 'Invoice INV-2026-1102'
Mon Nov  2 11:20:40 2026 Info: MID 81009 ready 48877 bytes from <billing@sender.example>
Mon Nov  2 11:20:40 2026 Info: MID 81009 attachment 'INV-2026-1102.pdf'
Mon Nov  2 11:20:40 2026 Info: MID 81009 matched all recipients for per-recipient policy Inbound Partners in the inbound table
Mon Nov  2 11:20:40 2026 Info: MID 81009 using engine: SPF Verdict Cache using cached verdict
Mon Nov  2 11:20:40 2026 Info: MID 81009 interim verdict using engine: CASE spam negative
Mon Nov  2 11:20:40 2026 Info: MID 81009 using engine: CASE spam negative
Mon Nov  2 11:20:41 2026 Info: MID 81009 interim AV verdict using Sophos CLEAN
Mon Nov  2 11:20:41 2026 Info: MID 81009 antivirus negative 
Mon Nov  2 11:20:41 2026 Info: MID 81009 AMP file reputation verdict : CLEAN
Mon Nov  2 11:20:41 2026 Info: MID 81009 Outbreak Filters: verdict negative
Mon Nov  2 11:20:41 2026 Info: MID 81009 queued for delivery
Mon Nov  2 11:20:41 2026 Info: ICID 52012 close
Mon Nov  2 11:20:42 2026 Info: New SMTP DCID 7305 interface 10.20.0.25 address 10.30.0.12 port 25
Mon Nov  2 11:20:42 2026 Info: Delivery start DCID 7305 MID 81009 to RID [0]
Mon Nov  2 11:20:42 2026 Info: Delayed: DCID 7305 MID 81009 From: <billing@sender.example> To: <erin@branch.example.com> RID 0 - 4.3.2 - Not accepting messages at this time ('421', ['4.3.2 Service not available, closing transmission channel'])
Mon Nov  2 11:20:42 2026 Info: MID 81009 to RID [0] pending till Mon Nov  2 12:20:42 2026 [Default]
Mon Nov  2 11:20:43 2026 Info: DCID 7305 close
Mon Nov  2 11:58:31 2026 Info: New SMTP ICID 52013 interface Data 1 (198.51.100.25) address 198.51.100.90 reverse dns host smtp.designhub.example.net verified yes
Mon Nov  2 11:58:31 2026 Info: ICID 52013 ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS 3.9 country Italy
Mon Nov  2 11:58:32 2026 Info: Start MID 81010 ICID 52013
Mon Nov  2 11:58:32 2026 Info: MID 81010 ICID 52013 From: <studio@designhub.example.net>
Mon Nov  2 11:58:32 2026 Info: MID 81010 ICID 52013 RID 0 To: <sam@example.com>
Mon Nov  2 11:58:50 2026 Info: MID 81010 Message-ID '<dh-20261102-4410@designhub.example.net>'
Mon Nov  2 11:58:50 2026 Info: MID 81010 Subject "Final artwork (don't print yet)"
Mon Nov  2 11:58:50 2026 Info: MID 81010 ready 9437184 bytes from <studio@designhub.example.net>
Mon Nov  2 11:58:50 2026 Info: MID 81010 attachment 'artwork_final.zip'
Mon Nov  2 11:58:50 2026 Info: MID 81010 attachment 'proof.xlsb'
Mon Nov  2 11:58:51 2026 Info: ICID 52013 close
Mon Nov  2 11:58:51 2026 Info: Debug: MID: 81010 Message filter Name: tagLargeMail time: 0.0004
Mon Nov  2 11:58:51 2026 Info: MID 81010 matched all recipients for per-recipient policy DEFAULT in the inbound table
Mon Nov  2 11:58:52 2026 Info: MID 81010 interim verdict using engine: CASE spam negative
Mon Nov  2 11:58:52 2026 Info: MID 81010 using engine: CASE spam negative
Mon Nov  2 11:59:10 2026 Warning: MID 81010: scanning error (name='proof.xlsb', type=application/vnd.ms-excel.sheet.binary.macroenabled.12): perceptive request failed
Mon Nov  2 11:59:20 2026 Warning: MID 81010, Message Scanning Problem: Size Limit Exceeded
Mon Nov  2 11:59:40 2026 Info: MID 81010 interim AV verdict using Sophos CLEAN
Mon Nov  2 11:59:40 2026 Info: MID 81010 antivirus negative 
Mon Nov  2 11:59:41 2026 Critical: Error while sending alert: Unable to send System/Warning alert to noc@example.com with subject "Warning <System> esa1.example.com: Your "Sophos Anti-Virus" key will expire in under 30...".
Mon Nov  2 11:59:57 2026 Info: MID 81010 was too big (9437184/5242880) for scanning by Outbreak Filters
Mon Nov  2 11:59:58 2026 Info: MID 81010 queued for delivery
Mon Nov  2 12:00:00 2026 Info: Logfile rolled over
Mon Nov  2 12:00:00 2026 Info: End Logfile
