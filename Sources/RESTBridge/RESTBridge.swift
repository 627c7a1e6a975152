/// hubd's HTTP side: the REST API in the shape of NHN's message service API, and outbound
/// REST delivery (webhooks).
public enum RESTBridge {}
