"""SGP, the ISP management system of the provedores (customers, contracts, invoices, tickets), through its URA
API: the client and the reduction of its answers to what the assistant's tools need."""
