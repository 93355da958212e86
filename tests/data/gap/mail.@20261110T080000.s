Tue Nov 10 08:00:00 2026 Info: Begin Logfile
Tue Nov 10 08:00:00 2026 Info: Version: 15.0.1-030 SN: 564D2A9E7F3B1C0D4E5F-A1B2C3D4E5F6
Tue Nov 10 08:00:00 2026 Info: Time offset from UTC: 0 seconds
Tue Nov 10 08:10:00 2026 Info: New SMTP ICID 900 interface Data 1 (198.51.100.25) address 192.0.2.41 reverse dns host mx.a.example verified yes
Tue Nov 10 08:10:00 2026 Info: ICID 900 ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS 3.0 country Canada
Tue Nov 10 08:10:01 2026 Info: ICID 900 close
Tue Nov 10 09:00:00 2026 Info: Logfile rolled over
Tue Nov 10 09:00:00 2026 Info: End Logfile
