#ifndef SIPSIM_SIM_SIP_ELEMENT_HELPER_H
#define SIPSIM_SIM_SIP_ELEMENT_HELPER_H

#include "ns3/application-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "sip/endpoint.h"
#include "sip_element_application.h"

#include <functional>
#include <memory>
#include <string>

namespace sipsim
{

/// Installs one SipElementApplication per node; the factory builds the SIP core for each
/// node (a UA, a proxy...), so the simulation decides which element runs where.
class SipElementHelper
{
public:
    using EndpointFactory = std::function<std::unique_ptr<Endpoint>(ns3::Ptr<ns3::Node>)>;

    explicit SipElementHelper(EndpointFactory factory);

    /// Sets an attribute of every SipElementApplication created afterwards. Each element
    /// gets its own copy of a "ServiceTime" variable, so their CPUs draw independently.
    void SetAttribute(const std::string& name, const ns3::AttributeValue& value);

    ns3::ApplicationContainer Install(ns3::Ptr<ns3::Node> node) const;
    ns3::ApplicationContainer Install(const ns3::NodeContainer& nodes) const;
    /// The node is looked up with ns3::Names.
    ns3::ApplicationContainer Install(const std::string& nodeName) const;

private:
    ns3::Ptr<SipElementApplication> InstallPriv(ns3::Ptr<ns3::Node> node) const;

    EndpointFactory m_factory;
    ns3::ObjectFactory m_appFactory;
};

} // namespace sipsim

#endif
